#include "socket_wait.h"

#include <asm-generic/errno.h>

#include "libos/host/host.h"
#include "libos/process/signals.h"

namespace cella::net {
namespace {

constexpr int kClockMonotonic = 1;

std::int64_t now_ns() {
    std::int64_t seconds = 0, nanoseconds = 0;
    (void)host::clock_gettime(kClockMonotonic, seconds, nanoseconds);
    return seconds * 1000000000 + nanoseconds;
}

}  // namespace

std::int64_t deadline_after(std::int64_t timeout_ns) { return timeout_ns < 0 ? -1 : now_ns() + timeout_ns; }

base::Result<void> wait_until(ipc::Waiter& waiter, std::int64_t deadline) {
    std::int64_t left = -1;
    if (deadline >= 0) {
        left = deadline - now_ns();
        if (left <= 0) return base::Error::from_errno(EAGAIN);
    }
    switch (waiter.wait(left, true)) {
    case ipc::WaitResult::Notified:
        return {};
    case ipc::WaitResult::TimedOut:
        return base::Error::from_errno(EAGAIN);
    case ipc::WaitResult::Interrupted:
        break;
    }
    return base::Error::from_errno(deadline < 0 ? static_cast<int>(process::kRestartSys) : EINTR);
}

}  // namespace cella::net
