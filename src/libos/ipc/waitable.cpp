#include "waitable.h"

#include <asm-generic/errno.h>
#include <asm/unistd.h>
#include <linux/futex.h>

#include "libos/base/platform.h"
#include "libos/host/host.h"
#include "libos/runtime/system_info.h"

namespace cella::ipc {
namespace {

// About 25 us of pause instructions on current x86 cores.
constexpr int kSpinIterations = 1000;

}  // namespace

bool Waiter::watch(Waitable& waitable) {
    if (used_ == kMaxLinks) return false;
    WaiterLink& link = links_[used_++];
    link.waiter = this;
    link.on = &waitable;
    base::ScopedLock guard(waitable.lock_);
    waitable.waiters_.push_back(link);
    return true;
}

void Waiter::unregister_all() {
    for (int i = 0; i < used_; ++i) {
        WaiterLink& link = links_[i];
        base::ScopedLock guard(link.on->lock_);
        if (link.is_linked()) base::IntrusiveList<WaiterLink>::remove(link);
    }
    used_ = 0;
}

// The waiter's word: 0 idle, 1 notified, 2 asleep on its futex, 3 asleep
// in a host poll. Only a sleeping waiter costs its notifier a host call.
void Waiter::notify() {
    std::uint32_t was = __atomic_exchange_n(&word_, 1, __ATOMIC_ACQ_REL);
    if (was == 2) host::futex_wake(&word_, 1);
    // A signal that comes after the waiter woke for another reason leaves
    // the counter set: its next host sleep returns at once, once.
    if (was == 3) host::wake_fd_signal(__atomic_load_n(&wake_fd_, __ATOMIC_ACQUIRE));
}

WaitResult Waiter::wait_with_host(std::span<host::PollEntry> host, std::int64_t timeout_ns) {
    if (__atomic_exchange_n(&word_, 0, __ATOMIC_ACQ_REL) == 1) return WaitResult::Notified;
    __atomic_store_n(&wake_fd_, host.back().fd, __ATOMIC_RELEASE);
    std::uint32_t idle = 0;
    if (!__atomic_compare_exchange_n(&word_, &idle, 3, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        __atomic_store_n(&word_, 0, __ATOMIC_RELEASE);
        return WaitResult::Notified;
    }
    auto result = host::poll(host, timeout_ns);
    bool notified = __atomic_exchange_n(&word_, 0, __ATOMIC_ACQ_REL) == 1;
    if (!result.is_error() && host.back().revents) host::wake_fd_drain(host.back().fd);
    if (notified) return WaitResult::Notified;
    if (result.is_error()) return result.error().code() == EINTR ? WaitResult::Interrupted : WaitResult::Notified;
    return result.value() == 0 ? WaitResult::TimedOut : WaitResult::Notified;
}

WaitResult Waiter::wait(std::int64_t timeout_ns, bool spin_first) {
    if (__atomic_exchange_n(&word_, 0, __ATOMIC_ACQ_REL) == 1) return WaitResult::Notified;
    // A kick that arrives while spinning is seen by the blocking call below.
    if (spin_first && timeout_ns != 0 && runtime::cpu_count() > 1) {
        for (int i = 0; i < kSpinIterations; ++i) {
            if (__atomic_load_n(&word_, __ATOMIC_ACQUIRE) == 1) {
                __atomic_store_n(&word_, 0, __ATOMIC_RELEASE);
                return WaitResult::Notified;
            }
            base::platform::cpu_relax();
        }
    }
    std::uint32_t idle = 0;
    if (!__atomic_compare_exchange_n(&word_, &idle, 2, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        __atomic_store_n(&word_, 0, __ATOMIC_RELEASE);
        return WaitResult::Notified;
    }
    std::int64_t timeout[2] = {timeout_ns / 1000000000, timeout_ns % 1000000000};
    long result = host::blocking_syscall(__NR_futex, reinterpret_cast<long>(&word_), FUTEX_WAIT_PRIVATE, 2,
                                         timeout_ns < 0 ? 0 : reinterpret_cast<long>(timeout));
    bool notified = __atomic_exchange_n(&word_, 0, __ATOMIC_ACQ_REL) == 1;
    if (notified) return WaitResult::Notified;
    if (result == -EINTR) return WaitResult::Interrupted;
    if (result == -ETIMEDOUT) return WaitResult::TimedOut;
    return WaitResult::Notified;
}

Waitable::~Waitable() {
    base::ScopedLock guard(lock_);
    while (WaiterLink* link = waiters_.take_first()) (void)link;
}

void Waitable::notify_all() {
    __atomic_fetch_add(&generation_, 1, __ATOMIC_ACQ_REL);
    base::ScopedLock guard(lock_);
    for (WaiterLink& link : waiters_) link.waiter->notify();
}

}  // namespace cella::ipc
