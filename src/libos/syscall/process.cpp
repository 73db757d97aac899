// Process and thread identity, exit, and per-process settings.
#include <asm-generic/errno.h>
#include <asm/prctl.h>
#include <asm/signal.h>
#include <asm/unistd.h>
#include <linux/resource.h>

#include "libos/host/host.h"
#include "libos/mm/user_memory.h"
#include "libos/process/current.h"
#include "libos/process/exec.h"
#include "libos/process/lifecycle.h"
#include "libos/process/signals.h"
#include "syscall.h"

namespace cella::syscall {
namespace {

using process::current_process;
using process::current_thread;

constexpr int ARCH_CET_STATUS = 0x3001;

Result<long> sys_exit_group(SyscallArgs& a) { process::exit_process(current_process(), a.integer(0)); }
// One thread per process for now, so ending the thread ends the process.
Result<long> sys_exit(SyscallArgs& a) { process::exit_process(current_process(), a.integer(0)); }

Result<long> sys_getpid(SyscallArgs&) { return current_process().pid(); }
Result<long> sys_getppid(SyscallArgs&) { return current_process().ppid(); }
Result<long> sys_gettid(SyscallArgs&) { return current_thread().tid(); }
// Everything in the enclave runs as root, as in Occlum.
Result<long> sys_root_id(SyscallArgs&) { return 0; }

Result<long> sys_set_tid_address(SyscallArgs& a) {
    current_thread().clear_child_tid = a.address(0);
    return current_thread().tid();
}

Result<long> sys_set_robust_list(SyscallArgs& a) {
    if (a.size(1) != 24) return Error::from_errno(EINVAL);  // sizeof(struct robust_list_head)
    current_thread().robust_list = a.address(0);
    current_thread().robust_list_length = a.size(1);
    return 0;
}

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

// kill/tkill/tgkill: only the calling process exists so far.
Result<long> send_signal_to_self(int signal) {
    if (signal < 0 || signal > 64) return Error::from_errno(EINVAL);
    if (signal == 0) return 0;  // existence check
    TRY(process::raise_signal(current_thread(), signal));
    return 0;
}

Result<long> sys_kill(SyscallArgs& a) {
    int pid = a.integer(0);
    if (pid != current_process().pid() && pid != 0 && pid != -1) return Error::from_errno(ESRCH);
    return send_signal_to_self(a.integer(1));
}

Result<long> sys_tkill(SyscallArgs& a) {
    if (a.integer(0) != current_thread().tid()) return Error::from_errno(a.integer(0) <= 0 ? EINVAL : ESRCH);
    return send_signal_to_self(a.integer(1));
}

Result<long> sys_tgkill(SyscallArgs& a) {
    if (a.integer(0) <= 0 || a.integer(1) <= 0) return Error::from_errno(EINVAL);
    if (a.integer(0) != current_process().pid() || a.integer(1) != current_thread().tid())
        return Error::from_errno(ESRCH);
    return send_signal_to_self(a.integer(2));
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
    {__NR_exit_group, sys_exit_group, "d"},
    {__NR_exit, sys_exit, "d"},
    {__NR_getpid, sys_getpid, ""},
    {__NR_getppid, sys_getppid, ""},
    {__NR_gettid, sys_gettid, ""},
    {__NR_getuid, sys_root_id, ""},
    {__NR_geteuid, sys_root_id, ""},
    {__NR_getgid, sys_root_id, ""},
    {__NR_getegid, sys_root_id, ""},
    {__NR_set_tid_address, sys_set_tid_address, "p"},
    {__NR_set_robust_list, sys_set_robust_list, "pu"},
    {__NR_arch_prctl, sys_arch_prctl, "xp"},
    {__NR_prlimit64, sys_prlimit64, "ddpp"},
    {__NR_kill, sys_kill, "dd"},
    {__NR_tkill, sys_tkill, "dd"},
    {__NR_tgkill, sys_tgkill, "ddd"},
    {__NR_getrlimit, sys_getrlimit, "dp"},
};

}  // namespace

std::span<const SyscallSpec> process_syscalls() { return kSpecs; }

}  // namespace cella::syscall
