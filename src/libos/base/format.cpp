#include "format.h"

#include <cstdint>

namespace cella::base {
namespace {

class Sink {
public:
    Sink(char* buffer, std::size_t capacity) : buffer_(buffer), capacity_(capacity) {}
    void put(char c) {
        if (length_ + 1 < capacity_) buffer_[length_] = c;
        ++length_;
    }
    void put_n(char c, int count) {
        for (int i = 0; i < count; ++i) put(c);
    }
    std::size_t finish() {
        if (capacity_) buffer_[length_ < capacity_ ? length_ : capacity_ - 1] = '\0';
        return length_;
    }

private:
    char* buffer_;
    std::size_t capacity_;
    std::size_t length_ = 0;
};

void put_padded(Sink& sink, const char* text, int length, int width, bool left, char pad) {
    int padding = width > length ? width - length : 0;
    if (!left && pad == '0' && length > 0 && text[0] == '-') {
        sink.put('-');
        ++text;
        --length;
        sink.put_n('0', padding);
    } else if (!left) {
        sink.put_n(pad, padding);
    }
    for (int i = 0; i < length; ++i) sink.put(text[i]);
    if (left) sink.put_n(' ', padding);
}

int render_unsigned(char* out, std::uint64_t value, unsigned base, bool upper) {
    const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char reversed[24];
    int n = 0;
    do {
        reversed[n++] = digits[value % base];
        value /= base;
    } while (value);
    for (int i = 0; i < n; ++i) out[i] = reversed[n - 1 - i];
    return n;
}

}  // namespace

std::size_t vformat_to(char* buffer, std::size_t capacity, const char* fmt, va_list args) {
    Sink sink(buffer, capacity);
    for (const char* p = fmt; *p; ++p) {
        if (*p != '%') {
            sink.put(*p);
            continue;
        }
        ++p;
        bool left = false;
        char pad = ' ';
        for (;; ++p) {
            if (*p == '-') left = true;
            else if (*p == '0') pad = '0';
            else break;
        }
        int width = 0;
        while (*p >= '0' && *p <= '9') width = width * 10 + (*p++ - '0');
        int precision = -1;
        if (*p == '.') {
            ++p;
            if (*p == '*') {
                precision = va_arg(args, int);
                ++p;
            } else {
                precision = 0;
                while (*p >= '0' && *p <= '9') precision = precision * 10 + (*p++ - '0');
            }
        }
        int size = 0;  // 0 int, 1 long, 2 long long / size_t
        while (*p == 'l' || *p == 'z') {
            size = (*p == 'z') ? 2 : size + 1;
            ++p;
        }
        char scratch[32];
        switch (*p) {
        case '%':
            sink.put('%');
            break;
        case 'c':
            scratch[0] = static_cast<char>(va_arg(args, int));
            put_padded(sink, scratch, 1, width, left, ' ');
            break;
        case 's': {
            const char* text = va_arg(args, const char*);
            if (!text) text = "(null)";
            int length = 0;
            while ((precision < 0 || length < precision) && text[length]) ++length;
            put_padded(sink, text, length, width, left, ' ');
            break;
        }
        case 'd':
        case 'i': {
            std::int64_t value = size == 0 ? va_arg(args, int) : va_arg(args, long long);
            int n = 0;
            std::uint64_t magnitude = static_cast<std::uint64_t>(value);
            if (value < 0) {
                scratch[n++] = '-';
                magnitude = 0 - magnitude;
            }
            n += render_unsigned(scratch + n, magnitude, 10, false);
            put_padded(sink, scratch, n, width, left, pad);
            break;
        }
        case 'u':
        case 'o':
        case 'x':
        case 'X': {
            std::uint64_t value = size == 0 ? va_arg(args, unsigned) : va_arg(args, unsigned long long);
            unsigned base = *p == 'u' ? 10 : *p == 'o' ? 8 : 16;
            int n = render_unsigned(scratch, value, base, *p == 'X');
            put_padded(sink, scratch, n, width, left, pad);
            break;
        }
        case 'p': {
            auto value = reinterpret_cast<std::uintptr_t>(va_arg(args, void*));
            scratch[0] = '0';
            scratch[1] = 'x';
            int n = 2 + render_unsigned(scratch + 2, value, 16, false);
            put_padded(sink, scratch, n, width, left, ' ');
            break;
        }
        case '\0':
            --p;
            break;
        default:
            sink.put('%');
            sink.put(*p);
            break;
        }
    }
    return sink.finish();
}

std::size_t format_to(char* buffer, std::size_t capacity, const char* fmt, ...) {
    va_list args;
    va_start(args, fmt);
    std::size_t n = vformat_to(buffer, capacity, fmt, args);
    va_end(args);
    return n;
}

void FormatBuilder::append(const char* fmt, ...) {
    va_list args;
    va_start(args, fmt);
    std::size_t room = capacity_ > length_ ? capacity_ - length_ : 0;
    std::size_t wanted = vformat_to(buffer_ + length_, room, fmt, args);
    va_end(args);
    if (room == 0) {
        truncated_ = wanted > 0;
        return;
    }
    if (wanted >= room) {
        truncated_ = true;
        length_ = capacity_ - 1;
    } else {
        length_ += wanted;
    }
}

void FormatBuilder::append_view(std::string_view text) {
    append("%.*s", static_cast<int>(text.size()), text.data());
}

}  // namespace cella::base
