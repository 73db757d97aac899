// System information, randomness, time, scheduling, and signal settings.
#include <asm-generic/errno.h>
#include <asm/signal.h>
#include <asm/unistd.h>

#include <cstring>

#include "libos/host/host.h"
#include "libos/mm/user_memory.h"
#include "libos/process/current.h"
#include "libos/runtime/system_info.h"
#include "syscall.h"

namespace cella::syscall {
namespace {

using process::current_process;
using process::current_thread;

struct Utsname {
    char sysname[65];
    char nodename[65];
    char release[65];
    char version[65];
    char machine[65];
    char domainname[65];
};

struct Timespec {
    std::int64_t seconds;
    std::int64_t nanoseconds;
};

constexpr int kClockRealtime = 0;
constexpr int kGrndNonblock = 1, kGrndRandom = 2, kGrndInsecure = 4;

Result<long> sys_uname(SyscallArgs& a) {
    Utsname name{};
    TRY(host::uname(&name));
    std::memset(name.nodename, 0, sizeof name.nodename);
    std::string_view host_name = runtime::hostname();
    std::memcpy(name.nodename, host_name.data(), host_name.size());
    std::memset(name.domainname, 0, sizeof name.domainname);
    std::memcpy(name.domainname, "(none)", 6);
    TRY(mm::write_user(a.address(0), name));
    return 0;
}

Result<long> sys_getrandom(SyscallArgs& a) {
    if (a.integer(2) & ~(kGrndNonblock | kGrndRandom | kGrndInsecure)) return Error::from_errno(EINVAL);
    std::size_t length = a.size(1) > 33554431 ? 33554431 : a.size(1);  // Linux's per-call cap
    auto buffer = TRY(mm::user_writable(a.address(0), length));
    TRY(host::random_bytes(buffer));
    return static_cast<long>(length);
}

Result<long> sys_sched_getaffinity(SyscallArgs& a) {
    int pid = a.integer(0);
    if (pid != 0 && pid != current_process().pid()) return Error::from_errno(ESRCH);
    std::uint64_t size = a.size(1);
    if (size < sizeof(std::uint64_t) || size % sizeof(std::uint64_t)) return Error::from_errno(EINVAL);
    std::uint32_t cpus = runtime::cpu_count();
    std::uint64_t mask = cpus >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << cpus) - 1;
    TRY(mm::write_user(a.address(2), mask));
    return static_cast<long>(sizeof mask);
}

Result<long> sys_clock_gettime(SyscallArgs& a) {
    Timespec now;
    TRY(host::clock_gettime(a.integer(0), now.seconds, now.nanoseconds));
    TRY(mm::write_user(a.address(1), now));
    return 0;
}

Result<long> sys_clock_getres(SyscallArgs& a) {
    Timespec resolution;
    TRY(host::clock_getres(a.integer(0), resolution.seconds, resolution.nanoseconds));
    if (a.address(1)) TRY(mm::write_user(a.address(1), resolution));
    return 0;
}

Result<long> sys_gettimeofday(SyscallArgs& a) {
    Timespec now;
    TRY(host::clock_gettime(kClockRealtime, now.seconds, now.nanoseconds));
    if (a.address(0)) TRY(mm::write_user(a.address(0), Timespec{now.seconds, now.nanoseconds / 1000}));
    if (a.address(1)) TRY(mm::write_user(a.address(1), std::uint64_t{0}));  // struct timezone: UTC
    return 0;
}

Result<long> sys_time(SyscallArgs& a) {
    Timespec now;
    TRY(host::clock_gettime(kClockRealtime, now.seconds, now.nanoseconds));
    if (a.address(0)) TRY(mm::write_user(a.address(0), now.seconds));
    return now.seconds;
}

Result<long> sleep_common(int clock, bool absolute, std::uint64_t request_address, std::uint64_t remain_address) {
    Timespec request = TRY(mm::read_user<Timespec>(request_address));
    if (request.seconds < 0 || request.nanoseconds < 0 || request.nanoseconds >= 1000000000)
        return Error::from_errno(EINVAL);
    Timespec remaining{};
    auto slept = host::clock_nanosleep(clock, absolute, request.seconds, request.nanoseconds, &remaining.seconds,
                                       &remaining.nanoseconds);
    if (slept.is_error()) {
        if (slept.error().code() == EINTR && remain_address && !absolute)
            TRY(mm::write_user(remain_address, remaining));
        return slept.error();
    }
    return 0;
}

Result<long> sys_nanosleep(SyscallArgs& a) { return sleep_common(1 /* CLOCK_MONOTONIC */, false, a.address(0), a.address(1)); }

Result<long> sys_clock_nanosleep(SyscallArgs& a) {
    if (a.integer(1) & ~1) return Error::from_errno(EINVAL);
    return sleep_common(a.integer(0), a.integer(1) & 1, a.address(2), a.address(3));
}

constexpr SyscallSpec kSpecs[] = {
    {__NR_uname, sys_uname, "p"},
    {__NR_getrandom, sys_getrandom, "pux"},
    {__NR_sched_getaffinity, sys_sched_getaffinity, "dup"},
    {__NR_clock_gettime, sys_clock_gettime, "dp"},
    {__NR_clock_getres, sys_clock_getres, "dp"},
    {__NR_gettimeofday, sys_gettimeofday, "pp"},
    {__NR_time, sys_time, "p"},
    {__NR_nanosleep, sys_nanosleep, "pp"},
    {__NR_clock_nanosleep, sys_clock_nanosleep, "ddpp"},
};

}  // namespace

std::span<const SyscallSpec> misc_syscalls() { return kSpecs; }

}  // namespace cella::syscall
