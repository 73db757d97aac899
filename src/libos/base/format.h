#pragma once
// printf-style formatting into a caller's buffer, for logs and strace
// lines. Output is truncated, never overflowed, and always NUL-terminated.
// Supported: %% %c %s %.*s %d %i %u %x %X %p with l/ll/z sizes, '-' and
// '0' flags and a width.
#include <cstdarg>
#include <cstddef>
#include <string_view>

namespace cella::base {

std::size_t vformat_to(char* buffer, std::size_t capacity, const char* fmt, va_list args);
std::size_t format_to(char* buffer, std::size_t capacity, const char* fmt, ...)
    __attribute__((format(printf, 3, 4)));

// Accumulates formatted pieces into one fixed buffer.
class FormatBuilder {
public:
    FormatBuilder(char* buffer, std::size_t capacity) : buffer_(buffer), capacity_(capacity) {
        if (capacity_) buffer_[0] = '\0';
    }
    void append(const char* fmt, ...) __attribute__((format(printf, 2, 3)));
    void append_view(std::string_view text);
    std::string_view view() const { return {buffer_, length_}; }
    std::size_t length() const { return length_; }
    bool truncated() const { return truncated_; }

private:
    char* buffer_;
    std::size_t capacity_;
    std::size_t length_ = 0;
    bool truncated_ = false;
};

}  // namespace cella::base
