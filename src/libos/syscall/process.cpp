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

// Process groups and sessions. One process so far: it leads its group and
// session, and may only name itself.
Result<process::Process*> process_named(int pid) {
    if (pid < 0) return Error::from_errno(EINVAL);
    if (pid != 0 && pid != current_process().pid()) return Error::from_errno(ESRCH);
    return &current_process();
}

Result<long> sys_getpgid(SyscallArgs& a) { return TRY(process_named(a.integer(0)))->pgid; }
Result<long> sys_getpgrp(SyscallArgs&) { return current_process().pgid; }
Result<long> sys_getsid(SyscallArgs& a) { return TRY(process_named(a.integer(0)))->sid; }

Result<long> sys_setpgid(SyscallArgs& a) {
    process::Process* target = TRY(process_named(a.integer(0)));
    int pgid = a.integer(1) ? a.integer(1) : target->pid();
    if (pgid < 0) return Error::from_errno(EINVAL);
    // A session leader cannot change its group; joining another group needs one.
    if (target->sid == target->pid()) return pgid == target->pgid ? 0 : Result<long>(Error::from_errno(EPERM));
    if (pgid != target->pid()) return Error::from_errno(EPERM);
    target->pgid = pgid;
    return 0;
}

Result<long> sys_setsid(SyscallArgs&) {
    process::Process& self = current_process();
    if (self.pgid == self.pid()) return Error::from_errno(EPERM);  // already a group leader
    self.pgid = self.sid = self.pid();
    return self.sid;
}

Result<long> sys_close_range(SyscallArgs& a) {
    constexpr unsigned kUnshare = 1u << 1, kCloexec = 1u << 2;
    unsigned first = static_cast<unsigned>(a.arg[0]), last = static_cast<unsigned>(a.arg[1]);
    unsigned flags = static_cast<unsigned>(a.arg[2]);
    if ((flags & ~(kUnshare | kCloexec)) || first > last) return Error::from_errno(EINVAL);
    // Every process has its own table already, so CLOSE_RANGE_UNSHARE changes nothing.
    int high = last > 0x7fffffff ? 0x7fffffff : static_cast<int>(last);
    current_process().fds().close_range(static_cast<int>(first > 0x7fffffff ? 0x7fffffff : first), high,
                                        flags & kCloexec);
    return 0;
}

constexpr SyscallSpec kSpecs[] = {
    {__NR_getpgid, sys_getpgid, "d"},
    {__NR_getpgrp, sys_getpgrp, ""},
    {__NR_getsid, sys_getsid, "d"},
    {__NR_setpgid, sys_setpgid, "dd"},
    {__NR_setsid, sys_setsid, ""},
    {__NR_close_range, sys_close_range, "uux"},
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
