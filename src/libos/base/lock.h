#pragma once
// SpinLock for short critical sections; Mutex (futex-based, three-state as
// in Drepper's "Futexes Are Tricky") for ones that may block. Both are used
// through ScopedLock so that no path forgets to unlock.
#include <cstdint>

#include "atomic.h"

#include "platform.h"

namespace cella::base {

class SpinLock {
public:
    void lock() {
        while (flag_.exchange(true, MemoryOrder::Acquire))
            while (flag_.load(MemoryOrder::Relaxed)) platform::cpu_relax();
    }
    bool try_lock() { return !flag_.exchange(true, MemoryOrder::Acquire); }
    void unlock() { flag_.store(false, MemoryOrder::Release); }
    bool is_locked() const { return flag_.load(MemoryOrder::Relaxed); }

private:
    Atomic<bool> flag_{false};
};

class Mutex {
public:
    void lock() {
        std::uint32_t state = 0;
        if (state_.compare_exchange(state, 1, MemoryOrder::Acquire)) return;
        // A holder on another CPU usually lets go within microseconds (a
        // pipe copies 64 KiB under its lock); sleeping in the host and
        // being woken costs tens of them.
        for (int i = 0; i < kSpinIterations; ++i) {
            platform::cpu_relax();
            state = state_.load(MemoryOrder::Relaxed);
            if (state == 0 && state_.compare_exchange(state, 1, MemoryOrder::Acquire)) return;
        }
        if (state != 2) state = state_.exchange(2, MemoryOrder::Acquire);
        while (state != 0) {
            platform::futex_wait(state_.raw(), 2);
            state = state_.exchange(2, MemoryOrder::Acquire);
        }
    }
    bool try_lock() {
        std::uint32_t state = 0;
        return state_.compare_exchange(state, 1, MemoryOrder::Acquire);
    }
    void unlock() {
        if (state_.exchange(0, MemoryOrder::Release) == 2)
            platform::futex_wake(state_.raw(), 1);
    }
    bool is_locked() const { return state_.load(MemoryOrder::Relaxed) != 0; }

private:
    // About 10 us of pause instructions on current x86 cores.
    static constexpr int kSpinIterations = 400;
    // 0 unlocked, 1 locked, 2 locked with waiters.
    Atomic<std::uint32_t> state_{0};
};

template <typename Lock>
class ScopedLock {
public:
    explicit ScopedLock(Lock& lock) : lock_(lock) { lock_.lock(); }
    ~ScopedLock() { lock_.unlock(); }
    ScopedLock(const ScopedLock&) = delete;
    ScopedLock& operator=(const ScopedLock&) = delete;

private:
    Lock& lock_;
};

}  // namespace cella::base
