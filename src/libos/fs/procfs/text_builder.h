#pragma once
// Growable text for procfs files. A file's contents are made in one piece
// when it is opened, and their size is not known until then.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "libos/base/result.h"
#include "libos/base/vector.h"

namespace cella::fs::procfs {

using base::Result;

// A number in octal, as the kernel's "%o" prints it (base/format.h has no %o).
struct Octal {
    char text[12];
    explicit Octal(std::uint32_t value);
};

class TextBuilder {
public:
    Result<void> append(std::string_view text);
    Result<void> append(char c) { return append(std::string_view(&c, 1)); }
    // printf-style, with the conversions base/format.h supports; no length limit.
    Result<void> appendf(const char* fmt, ...) __attribute__((format(printf, 2, 3)));
    Result<void> append_spaces(std::size_t count);

    std::size_t size() const { return bytes_.size(); }
    std::string_view view() const { return {bytes_.data(), bytes_.size()}; }
    base::Vector<char> take() { return static_cast<base::Vector<char>&&>(bytes_); }

private:
    base::Vector<char> bytes_;
};

}  // namespace cella::fs::procfs
