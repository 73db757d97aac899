// timerfd_create, timerfd_settime, timerfd_gettime, signalfd, signalfd4:
// the files that turn timers and signals into reads (ipc/timerfd.h,
// ipc/signalfd.h).
#include <asm-generic/errno.h>
#include <asm/unistd.h>
#include <linux/fcntl.h>

#include "fs_args.h"
#include "libos/ipc/signalfd.h"
#include "libos/ipc/timerfd.h"
#include "libos/mm/user_memory.h"
#include "libos/process/current.h"
#include "syscall.h"

namespace cella::syscall {
namespace {

using base::RefPtr;
using process::current_process;

constexpr int kClockRealtime = 0, kClockMonotonic = 1, kClockBoottime = 7, kClockRealtimeAlarm = 8,
              kClockBoottimeAlarm = 9;
constexpr int kTimerAbstime = 1, kTimerCancelOnSet = 2;  // TFD_TIMER_*
constexpr std::int64_t kNs = 1000000000;

struct Itimerspec {
    std::int64_t interval_seconds, interval_nanoseconds;
    std::int64_t value_seconds, value_nanoseconds;
};

bool valid_time(std::int64_t seconds, std::int64_t nanoseconds) {
    return seconds >= 0 && nanoseconds >= 0 && nanoseconds < kNs && seconds <= (0x7fffffffffffffff - nanoseconds) / kNs;
}

Itimerspec itimerspec_of(const time::Interval& value) {
    return {value.interval_ns / kNs, value.interval_ns % kNs, value.value_ns / kNs, value.value_ns % kNs};
}

Result<long> install(RefPtr<fs::OpenFile> file, int flags) {
    return TRY(current_process().fds().install(static_cast<RefPtr<fs::OpenFile>&&>(file), flags & O_CLOEXEC));
}

Result<RefPtr<ipc::TimerFd>> timerfd_of(int fd) {
    RefPtr<fs::OpenFile> file = TRY(file_of(fd));
    if (file->kind() != fs::FileKind::TimerFd) return Error::from_errno(EINVAL);
    return RefPtr<ipc::TimerFd>(static_cast<ipc::TimerFd*>(file.get()));
}

Result<long> sys_timerfd_create(SyscallArgs& a) {
    int clock = a.integer(0), flags = a.integer(1);
    if (clock != kClockRealtime && clock != kClockMonotonic && clock != kClockBoottime &&
        clock != kClockRealtimeAlarm && clock != kClockBoottimeAlarm)
        return Error::from_errno(EINVAL);
    if (flags & ~(O_NONBLOCK | O_CLOEXEC)) return Error::from_errno(EINVAL);
    auto file = TRY(ipc::TimerFd::create(clock, O_RDWR | (flags & O_NONBLOCK)));
    return install(RefPtr<fs::OpenFile>(file.get()), flags);
}

Result<long> sys_timerfd_settime(SyscallArgs& a) {
    int flags = a.integer(1);
    if (flags & ~(kTimerAbstime | kTimerCancelOnSet)) return Error::from_errno(EINVAL);
    Itimerspec wanted = TRY(mm::read_user<Itimerspec>(a.address(2)));
    if (!valid_time(wanted.value_seconds, wanted.value_nanoseconds) ||
        !valid_time(wanted.interval_seconds, wanted.interval_nanoseconds))
        return Error::from_errno(EINVAL);
    RefPtr<ipc::TimerFd> timer = TRY(timerfd_of(a.fd(0)));
    // TFD_TIMER_CANCEL_ON_SET is accepted; nothing inside the enclave can
    // set the realtime clock (settimeofday is EPERM), so it never cancels.
    time::Interval value{wanted.value_seconds * kNs + wanted.value_nanoseconds,
                         wanted.interval_seconds * kNs + wanted.interval_nanoseconds};
    time::Interval old = TRY(timer->set(flags & kTimerAbstime, value));
    if (a.address(3)) TRY(mm::write_user(a.address(3), itimerspec_of(old)));
    return 0;
}

Result<long> sys_timerfd_gettime(SyscallArgs& a) {
    RefPtr<ipc::TimerFd> timer = TRY(timerfd_of(a.fd(0)));
    TRY(mm::write_user(a.address(1), itimerspec_of(timer->get())));
    return 0;
}

Result<long> make_signalfd(int fd, std::uint64_t mask_address, std::uint64_t mask_size, int flags) {
    if (mask_size != 8 || (flags & ~(O_NONBLOCK | O_CLOEXEC))) return Error::from_errno(EINVAL);
    std::uint64_t mask = TRY(mm::read_user<std::uint64_t>(mask_address));
    if (fd != -1) {
        RefPtr<fs::OpenFile> file = TRY(file_of(fd));
        if (file->kind() != fs::FileKind::SignalFd) return Error::from_errno(EINVAL);
        static_cast<ipc::SignalFd*>(file.get())->set_mask(mask);
        return fd;
    }
    auto file = TRY(base::make_ref<ipc::SignalFd>(0, O_RDWR | (flags & O_NONBLOCK)));
    file->set_mask(mask);
    TRY(file->set_path("anon_inode:[signalfd]"));
    return install(RefPtr<fs::OpenFile>(file.get()), flags);
}

Result<long> sys_signalfd(SyscallArgs& a) { return make_signalfd(a.integer(0), a.address(1), a.size(2), 0); }
Result<long> sys_signalfd4(SyscallArgs& a) {
    return make_signalfd(a.integer(0), a.address(1), a.size(2), a.integer(3));
}

constexpr SyscallSpec kSpecs[] = {
    {__NR_timerfd_create, sys_timerfd_create, "dx"},
    {__NR_timerfd_settime, sys_timerfd_settime, "dxpp"},
    {__NR_timerfd_gettime, sys_timerfd_gettime, "dp"},
    {__NR_signalfd, sys_signalfd, "dpu"},
    {__NR_signalfd4, sys_signalfd4, "dpux"},
};

}  // namespace

std::span<const SyscallSpec> event_file_syscalls() { return kSpecs; }

}  // namespace cella::syscall
