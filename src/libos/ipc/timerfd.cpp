#include "timerfd.h"

#include <asm-generic/errno.h>
#include <linux/fcntl.h>

#include "anon_inode.h"
#include "libos/mm/user_memory.h"
#include "libos/process/signals.h"

namespace cella::ipc {

using base::Error;

// What the timer service adds to and read takes from; shared by the
// open file and the timer table, so an expiry racing the last close
// lands in memory that is still there.
class TimerFd::Expiries final : public time::TimerListener {
public:
    void expired(std::uint64_t count) override {
        {
            base::ScopedLock guard(lock);
            ticks = ~std::uint64_t{0} - ticks < count ? ~std::uint64_t{0} : ticks + count;
        }
        changed.notify_all();
    }
    base::Mutex lock;
    std::uint64_t ticks = 0;
    Waitable changed;
};

TimerFd::TimerFd(int clock, int flags, base::RefPtr<Expiries> expiries)
    : OpenFile(flags), clock_(clock), expiries_(static_cast<base::RefPtr<Expiries>&&>(expiries)) {}

base::Result<base::RefPtr<TimerFd>> TimerFd::create(int clock, int flags) {
    auto expiries = TRY(base::make_ref<Expiries>());
    auto file = TRY(base::make_ref<TimerFd>(clock, flags, static_cast<base::RefPtr<Expiries>&&>(expiries)));
    TRY(file->set_path("anon_inode:[timerfd]"));
    return file;
}

TimerFd::~TimerFd() { time::remove_listener_timer(*expiries_); }

base::Result<time::Interval> TimerFd::set(bool absolute, const time::Interval& value) {
    {
        base::ScopedLock guard(expiries_->lock);
        expiries_->ticks = 0;
    }
    time::Interval old = TRY(time::set_listener_timer(*expiries_, clock_, absolute, value));
    expiries_->changed.notify_all();
    return old;
}

time::Interval TimerFd::get() { return time::listener_timer_remaining(*expiries_); }

base::Result<std::size_t> TimerFd::read(std::span<std::uint8_t> out) {
    if (out.size() < 8) return Error::from_errno(EINVAL);
    Waiter waiter;
    waiter.watch(expiries_->changed);
    while (true) {
        std::uint64_t ticks;
        {
            base::ScopedLock guard(expiries_->lock);
            ticks = expiries_->ticks;
            expiries_->ticks = 0;
        }
        if (ticks) {
            if (auto copied = mm::copy_to_user(reinterpret_cast<std::uint64_t>(out.data()), &ticks, 8);
                copied.is_error()) {
                // Nothing was taken after all.
                base::ScopedLock guard(expiries_->lock);
                expiries_->ticks += ticks;
                return copied.error();
            }
            return std::size_t{8};
        }
        if (flags() & O_NONBLOCK) return Error::from_errno(EAGAIN);
        if (waiter.wait(-1) == WaitResult::Interrupted) return Error::from_errno(static_cast<int>(process::kRestartSys));
    }
}

base::Result<fs::FileStat> TimerFd::stat() { return anon_inode_stat(); }

base::Result<long> TimerFd::ioctl(unsigned long request, std::uint64_t arg) {
    constexpr unsigned long kSetTicks = 0x40085400;  // _IOW('T', 0, u64)
    if (request != kSetTicks) return Error::from_errno(ENOTTY);
    std::uint64_t ticks = TRY(mm::read_user<std::uint64_t>(arg));
    if (!ticks) return Error::from_errno(EINVAL);
    {
        base::ScopedLock guard(expiries_->lock);
        expiries_->ticks = ticks;
    }
    expiries_->changed.notify_all();
    return 0;
}

std::uint32_t TimerFd::poll_events() {
    base::ScopedLock guard(expiries_->lock);
    return expiries_->ticks ? 0x1 | 0x40 : 0;  // POLLIN | POLLRDNORM
}

Waitable* TimerFd::waitable() { return &expiries_->changed; }

}  // namespace cella::ipc
