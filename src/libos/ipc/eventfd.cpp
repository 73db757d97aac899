#include "eventfd.h"

#include <asm-generic/errno.h>
#include <linux/fcntl.h>

#include "anon_inode.h"
#include "libos/mm/user_memory.h"
#include "libos/process/signals.h"

namespace cella::ipc {
namespace {

using base::Error;
constexpr std::uint64_t kMaxCount = 0xfffffffffffffffeull;

}  // namespace

base::Result<std::size_t> EventFd::read(std::span<std::uint8_t> out) {
    if (out.size() < 8) return Error::from_errno(EINVAL);
    Waiter waiter;
    waiter.watch(changed_);
    while (true) {
        std::uint64_t value = 0;
        {
            base::ScopedLock guard(lock_);
            if (count_) {
                value = semaphore_ ? 1 : count_;
                count_ -= value;
            }
        }
        if (value) {
            changed_.notify_all();
            TRY(mm::copy_to_user(reinterpret_cast<std::uint64_t>(out.data()), &value, 8));
            return std::size_t{8};
        }
        if (flags() & O_NONBLOCK) return Error::from_errno(EAGAIN);
        if (waiter.wait(-1) == WaitResult::Interrupted) return Error::from_errno(static_cast<int>(process::kRestartSys));
    }
}

void EventFd::signal(std::uint64_t n) {
    {
        base::ScopedLock guard(lock_);
        count_ = kMaxCount - count_ < n ? kMaxCount : count_ + n;
    }
    changed_.notify_all();
}

base::Result<std::size_t> EventFd::write(std::span<const std::uint8_t> data) {
    if (data.size() < 8) return Error::from_errno(EINVAL);
    std::uint64_t add = TRY(mm::read_user<std::uint64_t>(reinterpret_cast<std::uint64_t>(data.data())));
    if (add == ~std::uint64_t{0}) return Error::from_errno(EINVAL);
    Waiter waiter;
    waiter.watch(changed_);
    while (true) {
        bool done = false;
        {
            base::ScopedLock guard(lock_);
            if (kMaxCount - count_ >= add) {
                count_ += add;
                done = true;
            }
        }
        if (done) {
            changed_.notify_all();
            return std::size_t{8};
        }
        if (flags() & O_NONBLOCK) return Error::from_errno(EAGAIN);
        if (waiter.wait(-1) == WaitResult::Interrupted) return Error::from_errno(static_cast<int>(process::kRestartSys));
    }
}

namespace {

int g_next_id = 0;

}  // namespace

EventFd::EventFd(std::uint64_t initial, bool semaphore, int flags)
    : OpenFile(flags), count_(initial), semaphore_(semaphore), id_(__atomic_fetch_add(&g_next_id, 1, __ATOMIC_RELAXED)) {}

std::uint64_t EventFd::count() {
    base::ScopedLock guard(lock_);
    return count_;
}

base::Result<fs::FileStat> EventFd::stat() { return anon_inode_stat(); }

std::uint32_t EventFd::poll_events() {
    base::ScopedLock guard(lock_);
    std::uint32_t events = 0;
    if (count_) events |= 0x1 | 0x40;                 // POLLIN | POLLRDNORM
    if (count_ < kMaxCount) events |= 0x4 | 0x100;    // POLLOUT | POLLWRNORM
    return events;
}

}  // namespace cella::ipc
