// System information, randomness and CPU placement.
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

constexpr SyscallSpec kSpecs[] = {
    {__NR_uname, sys_uname, "p"},
    {__NR_getrandom, sys_getrandom, "pux"},
    {__NR_sched_getaffinity, sys_sched_getaffinity, "dup"},
};

}  // namespace

std::span<const SyscallSpec> misc_syscalls() { return kSpecs; }

}  // namespace cella::syscall
