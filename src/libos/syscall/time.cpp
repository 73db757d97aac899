// Clocks, sleeping, interval and POSIX timers, process times.
#include <asm-generic/errno.h>
#include <asm/unistd.h>

#include "libos/host/host.h"
#include "libos/mm/user_memory.h"
#include "libos/process/children.h"
#include "libos/process/current.h"
#include "libos/process/signals.h"
#include "libos/time/cpu_clocks.h"
#include "libos/time/timers.h"
#include "rusage.h"
#include "syscall.h"

namespace cella::syscall {
namespace {

using process::current_process;
using process::current_thread;

constexpr int kClockRealtime = 0;
constexpr int kClockMonotonic = 1;
constexpr std::int64_t kNs = 1000000000;

struct Timespec {
    std::int64_t seconds;
    std::int64_t nanoseconds;
};
struct Timeval {
    std::int64_t seconds;
    std::int64_t microseconds;
};
struct Itimerspec {
    Timespec interval;
    Timespec value;
};
struct Itimerval {
    Timeval interval;
    Timeval value;
};

Result<std::int64_t> to_ns(const Timespec& t) {
    if (t.seconds < 0 || t.nanoseconds < 0 || t.nanoseconds >= kNs) return Error::from_errno(EINVAL);
    return t.seconds * kNs + t.nanoseconds;
}
Result<std::int64_t> to_ns(const Timeval& t) {
    if (t.seconds < 0 || t.microseconds < 0 || t.microseconds >= 1000000) return Error::from_errno(EINVAL);
    return t.seconds * kNs + t.microseconds * 1000;
}
Timespec timespec_of(std::int64_t ns) { return {ns / kNs, ns % kNs}; }
Timeval timeval_of(std::int64_t ns) { return {ns / kNs, (ns % kNs + 999) / 1000}; }

Result<long> sys_clock_gettime(SyscallArgs& a) {
    std::int64_t now = TRY(time::clock_now_ns(a.integer(0)));
    TRY(mm::write_user(a.address(1), timespec_of(now)));
    return 0;
}

Result<long> sys_clock_getres(SyscallArgs& a) {
    int clock = a.integer(0);
    Timespec resolution{0, 1};
    time::CpuClock cpu;
    if (clock != 2 && clock != 3 && !time::decode_cpu_clock(clock, cpu)) {
        std::int64_t s = 0, ns = 0;
        TRY(host::clock_getres(clock, s, ns));
        resolution = {s, ns};
    }
    if (a.address(1)) TRY(mm::write_user(a.address(1), resolution));
    return 0;
}

Result<long> sys_gettimeofday(SyscallArgs& a) {
    std::int64_t now = TRY(time::clock_now_ns(kClockRealtime));
    if (a.address(0)) TRY(mm::write_user(a.address(0), Timeval{now / kNs, (now % kNs) / 1000}));
    if (a.address(1)) TRY(mm::write_user(a.address(1), std::uint64_t{0}));  // struct timezone: UTC
    return 0;
}

Result<long> sys_time(SyscallArgs& a) {
    std::int64_t seconds = TRY(time::clock_now_ns(kClockRealtime)) / kNs;
    if (a.address(0)) TRY(mm::write_user(a.address(0), seconds));
    return seconds;
}

// Sleeps are host sleeps a kick can cut short: EINTR with the time left,
// as Linux's nanosleep reports after a handler.
std::int64_t clock_now_ns(int clock) {
    std::int64_t s = 0, ns = 0;
    (void)host::clock_gettime(clock, s, ns);
    return s * kNs + ns;
}

long resume_sleep(const process::RestartBlock& block);

// Sleeps on `clock` until `deadline_ns`. Interrupted, it writes the time
// left to `remain_address` (if any) and leaves a restart block, so that a
// restart after a stop or an ignored signal sleeps only what was left.
long sleep_until(int clock, std::int64_t deadline_ns, std::uint64_t remain_address) {
    Timespec until{deadline_ns / kNs, deadline_ns % kNs};
    long result = host::blocking_syscall(__NR_clock_nanosleep, clock, 1, reinterpret_cast<long>(&until), 0);
    if (result > 0) result = -result;  // clock_nanosleep returns the error number itself
    if (result == -EINTR) {
        if (remain_address) {
            std::int64_t left = deadline_ns - clock_now_ns(clock);
            if (left < 0) left = 0;
            Timespec remaining{left / kNs, left % kNs};
            if (mm::write_user(remain_address, remaining).is_error()) return -EFAULT;
        }
        process::RestartBlock& block = current_thread().restart;
        block = process::RestartBlock{};
        block.resume = resume_sleep;
        block.clock = clock;
        block.deadline_ns = deadline_ns;
        block.remain_address = remain_address;
        return -process::kRestartBlock;
    }
    return result;
}

long resume_sleep(const process::RestartBlock& block) {
    return sleep_until(block.clock, block.deadline_ns, block.remain_address);
}

// nanosleep and clock_nanosleep. An interrupted relative sleep writes
// the time left, as Linux's nanosleep reports after a handler.
Result<long> sleep_common(int clock, bool absolute, std::uint64_t request_address, std::uint64_t remain_address) {
    Timespec request = TRY(mm::read_user<Timespec>(request_address));
    std::int64_t length = TRY(to_ns(request));
    std::int64_t now = absolute ? 0 : clock_now_ns(clock);
    std::int64_t deadline = length > INT64_MAX - now ? INT64_MAX : now + length;
    long result = sleep_until(clock, deadline, absolute ? 0 : remain_address);
    if (result < 0 && result != -process::kRestartBlock) return Error::from_errno(static_cast<int>(-result));
    return result;
}

Result<long> sys_nanosleep(SyscallArgs& a) { return sleep_common(kClockMonotonic, false, a.address(0), a.address(1)); }

Result<long> sys_clock_nanosleep(SyscallArgs& a) {
    if (a.integer(1) & ~1) return Error::from_errno(EINVAL);
    int clock = a.integer(0);
    if (clock == 3) return Error::from_errno(EINVAL);  // CLOCK_THREAD_CPUTIME_ID, as Linux
    time::CpuClock cpu;
    if (clock == 2 || time::decode_cpu_clock(clock, cpu)) return Error::from_errno(EOPNOTSUPP);
    return sleep_common(clock, a.integer(1) & 1, a.address(2), a.address(3));
}

Result<long> sys_setitimer(SyscallArgs& a) {
    time::Interval wanted{};
    if (a.address(1)) {
        Itimerval value = TRY(mm::read_user<Itimerval>(a.address(1)));
        wanted = {TRY(to_ns(value.value)), TRY(to_ns(value.interval))};
    }
    time::Interval old = TRY(time::set_itimer(current_process(), a.integer(0), a.address(1) ? &wanted : nullptr));
    if (a.address(2)) TRY(mm::write_user(a.address(2), Itimerval{timeval_of(old.interval_ns), timeval_of(old.value_ns)}));
    return 0;
}

Result<long> sys_getitimer(SyscallArgs& a) {
    time::Interval old = TRY(time::set_itimer(current_process(), a.integer(0), nullptr));
    TRY(mm::write_user(a.address(1), Itimerval{timeval_of(old.interval_ns), timeval_of(old.value_ns)}));
    return 0;
}

Result<long> sys_alarm(SyscallArgs& a) {
    time::Interval wanted{static_cast<std::int64_t>(static_cast<unsigned>(a.arg[0])) * kNs, 0};
    time::Interval old = TRY(time::set_itimer(current_process(), 0, &wanted));
    // Seconds left, rounded to nearest, and never 0 for an armed alarm.
    std::int64_t seconds = (old.value_ns + kNs / 2) / kNs;
    return old.value_ns && !seconds ? 1 : seconds;
}

struct Sigevent {
    std::uint64_t value;
    int signal;
    int notify;
    int thread_id;
    int pad[11];
};

Result<long> sys_timer_create(SyscallArgs& a) {
    time::TimerEvent event{0 /* SIGEV_SIGNAL */, 14 /* SIGALRM */, 0, 0};
    if (a.address(1)) {
        Sigevent raw = TRY(mm::read_user<Sigevent>(a.address(1)));
        event = {raw.notify, raw.signal, raw.value, raw.thread_id};
    }
    int id = TRY(time::create_timer(current_process(), a.integer(0), event));
    auto stored = mm::write_user(a.address(2), id);
    if (stored.is_error()) {
        (void)time::delete_timer(current_process(), id);
        return stored.error();
    }
    return 0;
}

Result<long> sys_timer_settime(SyscallArgs& a) {
    if (a.integer(1) & ~1) return Error::from_errno(EINVAL);
    Itimerspec value = TRY(mm::read_user<Itimerspec>(a.address(2)));
    time::Interval wanted{TRY(to_ns(value.value)), TRY(to_ns(value.interval))};
    time::Interval old = TRY(time::set_timer(current_process(), a.integer(0), a.integer(1) & 1, wanted));
    if (a.address(3)) TRY(mm::write_user(a.address(3), Itimerspec{timespec_of(old.interval_ns), timespec_of(old.value_ns)}));
    return 0;
}

Result<long> sys_timer_gettime(SyscallArgs& a) {
    time::Interval now = TRY(time::get_timer(current_process(), a.integer(0)));
    TRY(mm::write_user(a.address(1), Itimerspec{timespec_of(now.interval_ns), timespec_of(now.value_ns)}));
    return 0;
}

Result<long> sys_timer_getoverrun(SyscallArgs& a) { return TRY(time::timer_overrun(current_process(), a.integer(0))); }

Result<long> sys_timer_delete(SyscallArgs& a) {
    TRY(time::delete_timer(current_process(), a.integer(0)));
    return 0;
}

// The host accounts user and system time per host thread: a thread's
// times are its host thread's, a process's the sum over its threads (live
// and ended), split as /proc/PID/stat splits them (time::CpuTimes); the
// other fields are the host's. Children: the CPU time of the reaped ones.
Result<long> sys_getrusage(SyscallArgs& a) {
    int who = a.integer(0);
    Rusage usage{};
    if (who == -1) {  // RUSAGE_CHILDREN
        TRY(mm::write_user(a.address(1), rusage_of(process::reaped_children_cpu_times(current_process()))));
        return 0;
    }
    if (who != 0 && who != 1) return Error::from_errno(EINVAL);  // RUSAGE_SELF, RUSAGE_THREAD
    TRY(host::getrusage(who, &usage));
    time::CpuTimes used = who == 0 ? time::process_cpu_times(current_process())
                                   : TRY(time::thread_cpu_times(process::current_thread()));
    usage.user = rusage_time_of(used.user_ns);
    usage.system = rusage_time_of(used.system_ns);
    TRY(mm::write_user(a.address(1), usage));
    return 0;
}

Result<long> sys_times(SyscallArgs& a) {
    struct {
        std::int64_t user, system, children_user, children_system;
    } times{};
    long ticks = TRY(host::times(&times));
    time::CpuTimes used = time::process_cpu_times(current_process());
    times.user = time::clock_ticks_of(used.user_ns);
    times.system = time::clock_ticks_of(used.system_ns);
    time::CpuTimes children = process::reaped_children_cpu_times(current_process());
    times.children_user = time::clock_ticks_of(children.user_ns);
    times.children_system = time::clock_ticks_of(children.system_ns);
    if (a.address(0)) TRY(mm::write_user(a.address(0), times));
    return ticks;
}

constexpr SyscallSpec kSpecs[] = {
    {__NR_clock_gettime, sys_clock_gettime, "dp"},
    {__NR_clock_getres, sys_clock_getres, "dp"},
    {__NR_gettimeofday, sys_gettimeofday, "pp"},
    {__NR_time, sys_time, "p"},
    {__NR_nanosleep, sys_nanosleep, "pp"},
    {__NR_clock_nanosleep, sys_clock_nanosleep, "ddpp"},
    {__NR_setitimer, sys_setitimer, "dpp"},
    {__NR_getitimer, sys_getitimer, "dp"},
    {__NR_alarm, sys_alarm, "u"},
    {__NR_timer_create, sys_timer_create, "dpp"},
    {__NR_timer_settime, sys_timer_settime, "ddpp"},
    {__NR_timer_gettime, sys_timer_gettime, "dp"},
    {__NR_timer_getoverrun, sys_timer_getoverrun, "d"},
    {__NR_timer_delete, sys_timer_delete, "d"},
    {__NR_getrusage, sys_getrusage, "dp"},
    {__NR_times, sys_times, "p"},
};

}  // namespace

std::span<const SyscallSpec> time_syscalls() { return kSpecs; }

}  // namespace cella::syscall
