#pragma once
// A growable array with checked access. Growth can fail (ENOMEM), so the
// appending calls return Result.
#include <asm-generic/errno-base.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <type_traits>
#include <utility>

#include "alloc.h"
#include "result.h"

namespace cella::base {

template <typename T>
class Vector {
public:
    Vector() = default;
    Vector(Vector&& other)
        : data_(std::exchange(other.data_, nullptr)),
          size_(std::exchange(other.size_, 0)),
          capacity_(std::exchange(other.capacity_, 0)) {}
    Vector& operator=(Vector&& other) {
        if (this != &other) {
            clear_and_free();
            data_ = std::exchange(other.data_, nullptr);
            size_ = std::exchange(other.size_, 0);
            capacity_ = std::exchange(other.capacity_, 0);
        }
        return *this;
    }
    Vector(const Vector&) = delete;
    Vector& operator=(const Vector&) = delete;
    ~Vector() { clear_and_free(); }

    Result<Vector> try_clone() const {
        Vector copy;
        TRY(copy.try_reserve(size_));
        for (std::size_t i = 0; i < size_; ++i) TRY(copy.try_append(data_[i]));
        return copy;
    }

    std::size_t size() const { return size_; }
    std::size_t capacity() const { return capacity_; }
    bool is_empty() const { return size_ == 0; }

    T& operator[](std::size_t index) {
        if (index >= size_) [[unlikely]]
            CELLA_PANIC("Vector index out of range");
        return data_[index];
    }
    const T& operator[](std::size_t index) const {
        if (index >= size_) [[unlikely]]
            CELLA_PANIC("Vector index out of range");
        return data_[index];
    }
    T& last() { return (*this)[size_ - 1]; }
    const T& last() const { return (*this)[size_ - 1]; }

    T* data() { return data_; }
    const T* data() const { return data_; }
    T* begin() { return data_; }
    T* end() { return data_ + size_; }
    const T* begin() const { return data_; }
    const T* end() const { return data_ + size_; }
    std::span<T> span() { return {data_, size_}; }
    std::span<const T> span() const { return {data_, size_}; }

    Result<void> try_reserve(std::size_t wanted) {
        if (wanted <= capacity_) return {};
        if (wanted > SIZE_MAX / sizeof(T)) return Error::from_errno(ENOMEM);
        T* fresh = static_cast<T*>(allocate(wanted * sizeof(T)));
        if (!fresh) return Error::from_errno(ENOMEM);
        if constexpr (std::is_trivially_copyable_v<T>) {
            if (size_) std::memcpy(fresh, data_, size_ * sizeof(T));
        } else {
            for (std::size_t i = 0; i < size_; ++i) {
                new (&fresh[i]) T(std::move(data_[i]));
                data_[i].~T();
            }
        }
        if (data_) deallocate(data_);
        data_ = fresh;
        capacity_ = wanted;
        return {};
    }

    Result<void> try_append(T value) {
        if (size_ == capacity_) TRY(try_reserve(capacity_ < 4 ? 4 : capacity_ * 2));
        new (&data_[size_]) T(std::move(value));
        ++size_;
        return {};
    }

    Result<void> try_append(std::span<const T> values)
        requires std::is_trivially_copyable_v<T>
    {
        if (values.size() > SIZE_MAX - size_) return Error::from_errno(ENOMEM);
        std::size_t wanted = size_ + values.size();
        if (wanted > capacity_) TRY(try_reserve(wanted > capacity_ * 2 ? wanted : capacity_ * 2));
        if (!values.empty()) std::memcpy(data_ + size_, values.data(), values.size() * sizeof(T));
        size_ = wanted;
        return {};
    }

    Result<void> try_insert(std::size_t index, T value) {
        if (index > size_) CELLA_PANIC("Vector insert position out of range");
        TRY(try_append(std::move(value)));
        for (std::size_t i = size_ - 1; i > index; --i) std::swap(data_[i], data_[i - 1]);
        return {};
    }

    // Grows with default-constructed elements or shrinks.
    Result<void> try_resize(std::size_t new_size) {
        if (new_size > size_) {
            TRY(try_reserve(new_size));
            if constexpr (std::is_trivially_default_constructible_v<T> && std::is_trivially_copyable_v<T>)
                std::memset(static_cast<void*>(data_ + size_), 0, (new_size - size_) * sizeof(T));
            else
                for (std::size_t i = size_; i < new_size; ++i) new (&data_[i]) T();
        } else {
            for (std::size_t i = new_size; i < size_; ++i) data_[i].~T();
        }
        size_ = new_size;
        return {};
    }

    void remove(std::size_t index) {
        if (index >= size_) CELLA_PANIC("Vector remove position out of range");
        for (std::size_t i = index; i + 1 < size_; ++i) data_[i] = std::move(data_[i + 1]);
        data_[--size_].~T();
    }

    T take_last() {
        if (size_ == 0) CELLA_PANIC("Vector::take_last on empty vector");
        T value = std::move(data_[size_ - 1]);
        data_[--size_].~T();
        return value;
    }

    void clear() {
        for (std::size_t i = 0; i < size_; ++i) data_[i].~T();
        size_ = 0;
    }

private:
    void clear_and_free() {
        clear();
        if (data_) deallocate(data_);
        data_ = nullptr;
        capacity_ = 0;
    }

    T* data_ = nullptr;
    std::size_t size_ = 0;
    std::size_t capacity_ = 0;
};

}  // namespace cella::base
