#pragma once
// A minimal atomic over GCC's __atomic builtins. libstdc++'s <atomic>
// drags in libc headers (for its wait/notify support) that clash with the
// kernel UAPI headers the LibOS builds against.
#include <type_traits>

namespace cella::base {

enum class MemoryOrder : int {
    Relaxed = __ATOMIC_RELAXED,
    Acquire = __ATOMIC_ACQUIRE,
    Release = __ATOMIC_RELEASE,
    AcqRel = __ATOMIC_ACQ_REL,
    SeqCst = __ATOMIC_SEQ_CST,
};

template <typename T>
    requires std::is_trivially_copyable_v<T>
class Atomic {
public:
    constexpr Atomic() = default;
    constexpr Atomic(T value) : value_(value) {}
    Atomic(const Atomic&) = delete;
    Atomic& operator=(const Atomic&) = delete;

    T load(MemoryOrder order = MemoryOrder::SeqCst) const { return __atomic_load_n(&value_, static_cast<int>(order)); }
    void store(T value, MemoryOrder order = MemoryOrder::SeqCst) {
        __atomic_store_n(&value_, value, static_cast<int>(order));
    }
    T exchange(T value, MemoryOrder order = MemoryOrder::SeqCst) {
        return __atomic_exchange_n(&value_, value, static_cast<int>(order));
    }
    bool compare_exchange(T& expected, T desired, MemoryOrder order = MemoryOrder::SeqCst) {
        int failure = (order == MemoryOrder::Relaxed || order == MemoryOrder::Release) ? __ATOMIC_RELAXED
                      : order == MemoryOrder::SeqCst                                   ? __ATOMIC_SEQ_CST
                                                                                       : __ATOMIC_ACQUIRE;
        return __atomic_compare_exchange_n(&value_, &expected, desired, false, static_cast<int>(order), failure);
    }
    T fetch_add(T delta, MemoryOrder order = MemoryOrder::SeqCst) {
        return __atomic_fetch_add(&value_, delta, static_cast<int>(order));
    }
    T fetch_sub(T delta, MemoryOrder order = MemoryOrder::SeqCst) {
        return __atomic_fetch_sub(&value_, delta, static_cast<int>(order));
    }
    // For futex calls, which name the word by address.
    T* raw() { return &value_; }

private:
    alignas(sizeof(T)) T value_{};
};

}  // namespace cella::base
