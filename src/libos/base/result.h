#pragma once
// Result<T>: a value or a Linux errno, in the manner of SerenityOS's ErrorOr.
// Errors travel up with TRY(); syscall handlers turn them into -errno.
#include <type_traits>
#include <utility>

#include "panic.h"

namespace cella::base {

class Error {
public:
    static constexpr Error from_errno(int code) { return Error(code); }
    constexpr int code() const { return code_; }
    constexpr bool operator==(const Error&) const = default;

private:
    explicit constexpr Error(int code) : code_(code) {}
    int code_;
};

template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : has_value_(true) { new (&storage_.value) T(std::move(value)); }
    Result(Error error) : has_value_(false) { storage_.error = error; }
    template <typename U>
        requires(std::is_convertible_v<U, T> && !std::is_same_v<std::decay_t<U>, T> &&
                 !std::is_same_v<std::decay_t<U>, Error>)
    Result(U&& value) : Result(T(std::forward<U>(value))) {}

    Result(Result&& other) : has_value_(other.has_value_) {
        if (has_value_)
            new (&storage_.value) T(std::move(other.storage_.value));
        else
            storage_.error = other.storage_.error;
    }
    Result(const Result&) = delete;
    Result& operator=(const Result&) = delete;
    Result& operator=(Result&& other) {
        if (this != &other) {
            this->~Result();
            new (this) Result(std::move(other));
        }
        return *this;
    }
    ~Result() {
        if (has_value_) storage_.value.~T();
    }

    bool is_error() const { return !has_value_; }
    explicit operator bool() const { return has_value_; }
    Error error() const {
        CELLA_ASSERT(!has_value_);
        return storage_.error;
    }
    T& value() & {
        CELLA_ASSERT(has_value_);
        return storage_.value;
    }
    const T& value() const& {
        CELLA_ASSERT(has_value_);
        return storage_.value;
    }
    T release_value() {
        CELLA_ASSERT(has_value_);
        return std::move(storage_.value);
    }
    T value_or(T fallback) const { return has_value_ ? storage_.value : fallback; }

private:
    union Storage {
        Storage() {}
        ~Storage() {}
        T value;
        Error error;
    } storage_;
    bool has_value_;
};

template <>
class [[nodiscard]] Result<void> {
public:
    Result() : error_(0) {}
    Result(Error error) : error_(error.code()) { CELLA_ASSERT(error_ != 0); }
    bool is_error() const { return error_ != 0; }
    explicit operator bool() const { return error_ == 0; }
    Error error() const {
        CELLA_ASSERT(error_ != 0);
        return Error::from_errno(error_);
    }
    void release_value() {}

private:
    int error_;
};

}  // namespace cella::base

// Evaluates a Result expression; on error returns the error from the
// enclosing function, otherwise yields the value.
#define TRY(expr)                                   \
    ({                                              \
        auto _cella_try = (expr);                   \
        if (_cella_try.is_error()) [[unlikely]]     \
            return _cella_try.error();              \
        _cella_try.release_value();                 \
    })

// For results that cannot fail unless the LibOS itself is broken.
#define MUST(expr)                                               \
    ({                                                           \
        auto _cella_must = (expr);                               \
        if (_cella_must.is_error()) [[unlikely]]                 \
            CELLA_PANIC("MUST(" #expr ") failed");               \
        _cella_must.release_value();                             \
    })
