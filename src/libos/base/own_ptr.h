#pragma once
// Owning pointers for LibOS objects: OwnPtr (sole owner) and RefPtr
// (intrusive count). Construction goes through make_own/make_ref so that
// running out of heap is an ENOMEM Result, not a crash.
#include <asm-generic/errno-base.h>

#include <cstddef>
#include <utility>

#include "alloc.h"
#include "atomic.h"
#include "result.h"

namespace cella::base {

template <typename T>
class OwnPtr {
public:
    OwnPtr() = default;
    OwnPtr(std::nullptr_t) {}
    OwnPtr(OwnPtr&& other) : ptr_(other.leak()) {}
    template <typename U>
    OwnPtr(OwnPtr<U>&& other) : ptr_(other.leak()) {}
    OwnPtr& operator=(OwnPtr&& other) {
        if (this != &other) reset(other.leak());
        return *this;
    }
    OwnPtr(const OwnPtr&) = delete;
    OwnPtr& operator=(const OwnPtr&) = delete;
    ~OwnPtr() { reset(nullptr); }

    // Takes ownership of an object allocated with allocate() + placement new.
    static OwnPtr adopt(T* ptr) { return OwnPtr(ptr); }

    T* get() const { return ptr_; }
    T* operator->() const {
        CELLA_ASSERT(ptr_);
        return ptr_;
    }
    T& operator*() const {
        CELLA_ASSERT(ptr_);
        return *ptr_;
    }
    explicit operator bool() const { return ptr_ != nullptr; }
    T* leak() { return std::exchange(ptr_, nullptr); }
    void reset(T* ptr = nullptr) {
        T* old = std::exchange(ptr_, ptr);
        if (old) {
            old->~T();
            deallocate(const_cast<void*>(static_cast<const void*>(old)));
        }
    }

private:
    explicit OwnPtr(T* ptr) : ptr_(ptr) {}
    T* ptr_ = nullptr;
};

template <typename T, typename... Args>
Result<OwnPtr<T>> make_own(Args&&... args) {
    void* memory = allocate(sizeof(T));
    if (!memory) return Error::from_errno(ENOMEM);
    return OwnPtr<T>::adopt(new (memory) T(std::forward<Args>(args)...));
}

// Base for reference-counted objects. The count starts at one, owned by
// the RefPtr that make_ref returns.
template <typename T>
class RefCounted {
public:
    void ref() const { count_.fetch_add(1, MemoryOrder::Relaxed); }
    void unref() const {
        if (count_.fetch_sub(1, MemoryOrder::AcqRel) == 1) {
            const T* self = static_cast<const T*>(this);
            self->~T();
            deallocate(const_cast<void*>(static_cast<const void*>(self)));
        }
    }
    unsigned ref_count() const { return count_.load(MemoryOrder::Relaxed); }

protected:
    RefCounted() = default;
    ~RefCounted() = default;

private:
    mutable Atomic<unsigned> count_{1};
};

template <typename T>
class RefPtr {
public:
    RefPtr() = default;
    RefPtr(std::nullptr_t) {}
    RefPtr(T* ptr) : ptr_(ptr) {
        if (ptr_) ptr_->ref();
    }
    RefPtr(const RefPtr& other) : RefPtr(other.ptr_) {}
    template <typename U>
    RefPtr(const RefPtr<U>& other) : RefPtr(other.get()) {}
    RefPtr(RefPtr&& other) : ptr_(std::exchange(other.ptr_, nullptr)) {}
    template <typename U>
    RefPtr(RefPtr<U>&& other) : ptr_(other.leak_ref()) {}
    RefPtr& operator=(RefPtr other) {
        std::swap(ptr_, other.ptr_);
        return *this;
    }
    ~RefPtr() {
        if (ptr_) ptr_->unref();
    }

    // Takes over a reference that is already counted (from make_ref).
    static RefPtr adopt(T* ptr) {
        RefPtr result;
        result.ptr_ = ptr;
        return result;
    }
    T* leak_ref() { return std::exchange(ptr_, nullptr); }

    T* get() const { return ptr_; }
    T* operator->() const {
        CELLA_ASSERT(ptr_);
        return ptr_;
    }
    T& operator*() const {
        CELLA_ASSERT(ptr_);
        return *ptr_;
    }
    explicit operator bool() const { return ptr_ != nullptr; }
    bool operator==(const RefPtr& other) const { return ptr_ == other.ptr_; }

private:
    T* ptr_ = nullptr;
};

template <typename T, typename... Args>
Result<RefPtr<T>> make_ref(Args&&... args) {
    void* memory = allocate(sizeof(T));
    if (!memory) return Error::from_errno(ENOMEM);
    return RefPtr<T>::adopt(new (memory) T(std::forward<Args>(args)...));
}

}  // namespace cella::base
