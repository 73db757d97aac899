#pragma once
// Storage for a LibOS-wide object that is built explicitly at boot and
// never destroyed. libos.so runs no static constructors or destructors
// (there is no runtime to call them, and the host loader refuses an image
// that has them), so every global with a non-trivial constructor or
// destructor lives in one of these.
#include <new>
#include <utility>

#include "panic.h"

namespace cella::base {

template <typename T>
class Global {
public:
    constexpr Global() = default;
    Global(const Global&) = delete;
    Global& operator=(const Global&) = delete;

    template <typename... Args>
    T& construct(Args&&... args) {
        CELLA_ASSERT(!constructed_);
        T* object = new (storage_) T(std::forward<Args>(args)...);
        constructed_ = true;
        return *object;
    }
    bool is_constructed() const { return constructed_; }
    T& get() {
        CELLA_ASSERT(constructed_);
        return *std::launder(reinterpret_cast<T*>(storage_));
    }
    T* operator->() { return &get(); }
    T& operator*() { return get(); }

private:
    alignas(T) unsigned char storage_[sizeof(T)] = {};
    bool constructed_ = false;
};

}  // namespace cella::base
