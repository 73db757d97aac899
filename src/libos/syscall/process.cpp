// Process identity and per-process settings.
#include <asm-generic/errno.h>
#include <asm/prctl.h>
#include <asm/signal.h>
#include <asm/unistd.h>
#include <linux/resource.h>

#include "libos/host/host.h"
#include "libos/mm/user_memory.h"
#include "libos/process/current.h"
#include "libos/process/exec.h"
#include "syscall.h"

namespace cella::syscall {
namespace {

using process::current_process;

constexpr int ARCH_CET_STATUS = 0x3001;

Result<long> sys_getpid(SyscallArgs&) { return current_process().pid(); }
Result<long> sys_getppid(SyscallArgs&) { return current_process().ppid(); }
// Everything in the enclave runs as root, as in Occlum.
Result<long> sys_root_id(SyscallArgs&) { return 0; }

Result<long> sys_arch_prctl(SyscallArgs& a) {
    switch (a.integer(0)) {
    case ARCH_SET_FS:
        if (a.address(1) >= (1ull << 47)) return Error::from_errno(EPERM);
        TRY(host::set_fs_base(a.address(1)));
        return 0;
    case ARCH_GET_FS:
        TRY(mm::write_user(a.address(1), host::fs_base()));
        return 0;
    case ARCH_SET_GS:
        // %gs belongs to the LibOS (DESIGN.md section 3).
        return Error::from_errno(EPERM);
    case ARCH_GET_GS:
        TRY(mm::write_user(a.address(1), std::uint64_t{0}));
        return 0;
    case ARCH_CET_STATUS:
    default:
        return Error::from_errno(EINVAL);
    }
}

struct Rlimit {
    std::uint64_t current;
    std::uint64_t maximum;
};

Result<Rlimit> limit_of(int resource) {
    constexpr std::uint64_t kInfinity = ~std::uint64_t{0};
    switch (resource) {
    case RLIMIT_STACK: return Rlimit{process::machine_info().default_stack_size, kInfinity};
    case RLIMIT_NOFILE: {
        auto limit = static_cast<std::uint64_t>(current_process().fds().limit());
        return Rlimit{limit, limit};
    }
    case RLIMIT_CORE: return Rlimit{0, kInfinity};
    case RLIMIT_NPROC: return Rlimit{4096, 4096};
    case RLIMIT_MEMLOCK: return Rlimit{8 << 20, 8 << 20};
    case RLIMIT_SIGPENDING: return Rlimit{4096, 4096};
    case RLIMIT_MSGQUEUE: return Rlimit{819200, 819200};
    case RLIMIT_NICE:
    case RLIMIT_RTPRIO: return Rlimit{0, 0};
    case RLIMIT_CPU:
    case RLIMIT_FSIZE:
    case RLIMIT_DATA:
    case RLIMIT_RSS:
    case RLIMIT_AS:
    case RLIMIT_LOCKS:
    case RLIMIT_RTTIME: return Rlimit{kInfinity, kInfinity};
    default: return Error::from_errno(EINVAL);
    }
}

Result<long> sys_prlimit64(SyscallArgs& a) {
    int pid = a.integer(0);
    if (pid != 0 && pid != current_process().pid()) return Error::from_errno(ESRCH);
    Rlimit limit = TRY(limit_of(a.integer(1)));
    if (a.address(2)) {
        Rlimit wanted = TRY(mm::read_user<Rlimit>(a.address(2)));
        if (wanted.current > wanted.maximum) return Error::from_errno(EINVAL);
        // Raising past the fixed limits is refused as for an unprivileged
        // process; lowering is accepted but not yet enforced.
        if (wanted.maximum > limit.maximum) return Error::from_errno(EPERM);
    }
    if (a.address(3)) TRY(mm::write_user(a.address(3), limit));
    return 0;
}

Result<long> sys_getrlimit(SyscallArgs& a) {
    TRY(mm::write_user(a.address(1), TRY(limit_of(a.integer(0)))));
    return 0;
}

constexpr SyscallSpec kSpecs[] = {
    {__NR_getpid, sys_getpid, ""},
    {__NR_getppid, sys_getppid, ""},
    {__NR_getuid, sys_root_id, ""},
    {__NR_geteuid, sys_root_id, ""},
    {__NR_getgid, sys_root_id, ""},
    {__NR_getegid, sys_root_id, ""},
    {__NR_arch_prctl, sys_arch_prctl, "xp"},
    {__NR_prlimit64, sys_prlimit64, "ddpp"},
    {__NR_getrlimit, sys_getrlimit, "dp"},
};

}  // namespace

std::span<const SyscallSpec> process_syscalls() { return kSpecs; }

}  // namespace cella::syscall
