// futex_waitv: waiting on several futexes at once. Application futexes are
// host futexes on the same addresses (see sys_futex), so the checked
// vector goes to the host's futex_waitv.
#include <asm-generic/errno.h>
#include <asm/unistd.h>

#include "libos/host/host.h"
#include "libos/base/vector.h"
#include "libos/mm/user_memory.h"
#include "libos/process/signals.h"
#include "syscall.h"

namespace cella::syscall {
namespace {

struct FutexWaitv {
    std::uint64_t value;
    std::uint64_t address;
    std::uint32_t flags;
    std::uint32_t reserved;
};
static_assert(sizeof(FutexWaitv) == 24);

struct Timespec {
    std::int64_t seconds;
    std::int64_t nanoseconds;
};

constexpr std::uint64_t kMaxWaiters = 128;  // FUTEX_WAITV_MAX
constexpr std::uint32_t kSizeMask = 3, kSizeU32 = 2, kPrivate = 128, kNuma = 4;
constexpr int kClockRealtime = 0, kClockMonotonic = 1;

Result<long> sys_futex_waitv(SyscallArgs& a) {
    std::uint64_t count = a.size(1);
    if (a.arg[2] != 0 || !a.address(0) || count == 0 || count > kMaxWaiters) return Error::from_errno(EINVAL);
    Timespec timeout{};
    bool timed = a.address(3) != 0;
    if (timed) {
        int clock = a.integer(4);
        if (clock != kClockRealtime && clock != kClockMonotonic) return Error::from_errno(EINVAL);
        timeout = TRY(mm::read_user<Timespec>(a.address(3)));
        if (timeout.seconds < 0 || timeout.nanoseconds < 0 || timeout.nanoseconds >= 1000000000)
            return Error::from_errno(EINVAL);
    }
    base::Vector<FutexWaitv> waiters;
    TRY(waiters.try_resize(count));
    TRY(mm::copy_from_user(waiters.data(), a.address(0), count * sizeof(FutexWaitv)));
    for (std::uint64_t i = 0; i < count; ++i) {
        const FutexWaitv& waiter = waiters[i];
        // 32-bit futexes only, as Linux; FUTEX2_NUMA is not accepted here either.
        if ((waiter.flags & ~(kSizeMask | kPrivate | kNuma)) || (waiter.flags & kNuma) ||
            (waiter.flags & kSizeMask) != kSizeU32 || waiter.reserved || waiter.value > 0xffffffffu)
            return Error::from_errno(EINVAL);
        if (waiter.address % 4) return Error::from_errno(EINVAL);
        TRY(mm::user_readable(waiter.address, 4));
    }
    long result = host::blocking_syscall(__NR_futex_waitv, reinterpret_cast<long>(waiters.data()), static_cast<long>(count),
                                         0, timed ? reinterpret_cast<long>(&timeout) : 0, a.integer(4));
    if (result == -EINTR) return -process::kRestartSys;  // the timeout is absolute: a restart keeps it
    if (result < 0) return Error::from_errno(static_cast<int>(-result));
    if (static_cast<std::uint64_t>(result) >= count) return Error::from_errno(EIO);  // not an index we gave
    return result;
}

constexpr SyscallSpec kSpecs[] = {
    {__NR_futex_waitv, sys_futex_waitv, "puxpd"},
};

}  // namespace

std::span<const SyscallSpec> futex_waitv_syscalls() { return kSpecs; }

}  // namespace cella::syscall
