#pragma once
// An owned, NUL-terminated byte string. Creation and growth return Result
// because they allocate.
#include <cstddef>
#include <string_view>

#include "vector.h"

namespace cella::base {

class String {
public:
    String() = default;
    String(String&&) = default;
    String& operator=(String&&) = default;

    static Result<String> from(std::string_view text) {
        String result;
        TRY(result.try_append(text));
        return result;
    }
    Result<String> try_clone() const { return from(view()); }

    Result<void> try_append(std::string_view text) {
        if (bytes_.is_empty()) TRY(bytes_.try_append('\0'));
        bytes_.take_last();
        TRY(bytes_.try_append(std::span<const char>(text.data(), text.size())));
        TRY(bytes_.try_append('\0'));
        return {};
    }
    Result<void> try_append(char c) { return try_append(std::string_view(&c, 1)); }

    std::string_view view() const {
        return bytes_.is_empty() ? std::string_view() : std::string_view(bytes_.data(), bytes_.size() - 1);
    }
    operator std::string_view() const { return view(); }
    // Always NUL-terminated, so it can be handed to the host as a C string.
    const char* c_str() const { return bytes_.is_empty() ? "" : bytes_.data(); }
    std::size_t size() const { return bytes_.is_empty() ? 0 : bytes_.size() - 1; }
    bool is_empty() const { return size() == 0; }
    char operator[](std::size_t index) const { if (index >= size()) CELLA_PANIC("String index out of range");
        return bytes_[index]; }
    bool operator==(std::string_view other) const { return view() == other; }
    // Keeps the first `length` characters (no allocation: it only shrinks).
    void truncate(std::size_t length) {
        if (length >= size()) return;
        bytes_[length] = '\0';
        (void)bytes_.try_resize(length + 1);
    }

private:
    Vector<char> bytes_;
};

}  // namespace cella::base
