#pragma once
// Blocking inside the LibOS. An object that threads wait on (a pipe, an
// eventfd, ...) is a Waitable; a thread waits with a Waiter it registers on
// one or more Waitables (poll waits on many at once), re-checks its
// condition, then sleeps on its own futex word until a Waitable it is
// registered on changes, a kick arrives (a signal or exit: the wait
// returns Interrupted), or the deadline passes.
#include <cstdint>

#include <span>

#include "libos/base/intrusive_list.h"
#include "libos/base/lock.h"
#include "libos/host/host_net.h"

namespace cella::ipc {

class Waitable;

struct WaiterLink : base::IntrusiveListNode<> {
    class Waiter* waiter = nullptr;
    Waitable* on = nullptr;
};

enum class WaitResult { Notified, Interrupted, TimedOut };

class Waiter {
public:
    static constexpr int kMaxLinks = 64;

    Waiter() = default;
    Waiter(const Waiter&) = delete;
    Waiter& operator=(const Waiter&) = delete;
    ~Waiter() { unregister_all(); }

    // Registers on `waitable`; false when kMaxLinks are in use (the caller
    // then falls back to polling with a short timeout).
    bool watch(Waitable& waitable);
    void unregister_all();

    // Sleeps unless notified since the last call; timeout_ns < 0: no limit.
    // With spin_first, on a machine with more than one CPU, it first
    // spins about 25 us: the other end of a pipe usually answers within
    // microseconds, while a host sleep and a wake-up from another CPU cost
    // tens of them. Not for waits that usually last (a child's exit, poll):
    // a spinning CPU also takes the TLB-shootdown IPIs of every unmap.
    WaitResult wait(std::int64_t timeout_ns, bool spin_first = false);
    // Sleeps as wait() does, and also until one of the host fds in
    // `host` has an event. The last entry must be the thread's wake fd
    // (host::wake_fd_open), which a notify signals while the waiter
    // sleeps here: the host cannot sleep on a futex and fds at once.
    WaitResult wait_with_host(std::span<host::PollEntry> host, std::int64_t timeout_ns);

private:
    friend class Waitable;
    void notify();
    std::uint32_t word_ = 0;
    int wake_fd_ = -1;  // while word_ is 3 (asleep in a host poll)
    WaiterLink links_[kMaxLinks];
    int used_ = 0;
};

class Waitable {
public:
    Waitable() = default;
    Waitable(const Waitable&) = delete;
    Waitable& operator=(const Waitable&) = delete;
    ~Waitable();

    // Wakes every registered waiter: the object's state changed.
    void notify_all();
    // How many times notify_all ran (edge-triggered epoll compares it).
    std::uint64_t generation() const { return __atomic_load_n(&generation_, __ATOMIC_ACQUIRE); }

private:
    friend class Waiter;
    // Not a spin lock: with more application threads than CPUs, a holder
    // preempted inside notify_all would leave the others spinning.
    base::Mutex lock_;
    base::IntrusiveList<WaiterLink> waiters_;
    std::uint64_t generation_ = 0;
};

}  // namespace cella::ipc
