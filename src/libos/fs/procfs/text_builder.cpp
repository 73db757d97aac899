#include "text_builder.h"

#include <cstdarg>

#include "libos/base/format.h"

namespace cella::fs::procfs {

Result<void> TextBuilder::append(std::string_view text) {
    return bytes_.try_append(std::span<const char>(text.data(), text.size()));
}

Result<void> TextBuilder::appendf(const char* fmt, ...) {
    // Most pieces are one short line: format on the stack, and only a long
    // one (a path, a command line) pays for a second pass into the heap.
    char line[256];
    va_list args;
    va_start(args, fmt);
    va_list again;
    va_copy(again, args);
    std::size_t length = base::vformat_to(line, sizeof line, fmt, args);
    va_end(args);
    if (length < sizeof line) {
        va_end(again);
        return append(std::string_view(line, length));
    }
    base::Vector<char> long_line;
    auto sized = long_line.try_resize(length + 1);
    if (sized.is_error()) {
        va_end(again);
        return sized.error();
    }
    base::vformat_to(long_line.data(), long_line.size(), fmt, again);
    va_end(again);
    return append(std::string_view(long_line.data(), length));
}

Result<void> TextBuilder::append_spaces(std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) TRY(bytes_.try_append(' '));
    return {};
}

Octal::Octal(std::uint32_t value) {
    char digits[12];
    int n = 0;
    do {
        digits[n++] = static_cast<char>('0' + (value & 7));
        value >>= 3;
    } while (value);
    int i = 0;
    while (n) text[i++] = digits[--n];
    text[i] = '\0';
}

}  // namespace cella::fs::procfs
