// System names and randomness.
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
    runtime::NodeName host_name = runtime::hostname(), domain_name = runtime::domainname();
    std::memcpy(name.nodename, host_name.text, sizeof name.nodename);
    std::memcpy(name.domainname, domain_name.text, sizeof name.domainname);
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

constexpr SyscallSpec kSpecs[] = {
    {__NR_uname, sys_uname, "p"},
    {__NR_getrandom, sys_getrandom, "pux"},
};

}  // namespace

std::span<const SyscallSpec> misc_syscalls() { return kSpecs; }

}  // namespace cella::syscall
