// Thread syscalls: clone for threads, exit, futex, robust lists,
// getcpu, and prctl.
#include <asm-generic/errno.h>
#include <asm/unistd.h>
#include <linux/futex.h>
#include <linux/prctl.h>
#include <linux/sched.h>
#include <asm/signal.h>

#include "libos/host/host.h"
#include "libos/mm/user_memory.h"
#include "libos/process/current.h"
#include "libos/process/lifecycle.h"
#include "libos/process/pidfd.h"
#include "libos/process/process_table.h"
#include "libos/process/signals.h"
#include "libos/process/fork.h"
#include "libos/process/spawn.h"
#include "libos/process/threads.h"
#include "libos/runtime/log.h"
#include "libos/runtime/system_info.h"
#include "syscall.h"

namespace cella::syscall {
namespace {

using process::current_process;
using process::current_thread;

constexpr std::uint64_t kThreadFlags = CLONE_VM | CLONE_THREAD | CLONE_SIGHAND;
constexpr std::uint64_t kSupportedThreadFlags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
                                                CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID |
                                                CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | CLONE_DETACHED;

constexpr std::uint64_t kSupportedProcessFlags = CLONE_VM | CLONE_VFORK | CLONE_SETTLS | CLONE_PARENT_SETTID |
                                                 CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | CLONE_PIDFD | CSIGNAL;

// A new process without its pidfd: CLONE_PIDFD's fd goes to `pidfd_at`
// (close-on-exec, as Linux makes it) once the child exists.
Result<long> create_process(SyscallArgs& a, const process::CloneRequest& request, std::uint64_t pidfd_at) {
    // Without CLONE_VM the child gets its parent's memory as a copy, and a
    // sequential fork's parent waits as CLONE_VFORK would have it anyway.
    int pid = (request.flags & CLONE_VM)
                  ? TRY(process::spawn_process(current_thread(), *a.context, request))
                  : TRY(process::fork_process(current_thread(), *a.context, request, "fork (clone without CLONE_VM)"));
    if (!(request.flags & CLONE_PIDFD)) return pid;
    base::RefPtr<process::Process> child = process::process_table().find_process(pid);
    if (!child) return pid;  // already reaped by another thread: nothing to name
    int fd = TRY(process::open_pidfd(current_process(), child, 0));
    if (auto written = mm::write_user(pidfd_at, fd); written.is_error()) {
        (void)current_process().fds().close(fd);
        return written.error();
    }
    return pid;
}

Result<long> clone_common(SyscallArgs& a, const process::CloneRequest& request, std::uint64_t pidfd_at) {
    std::uint64_t flags = request.flags;
    if ((flags & CLONE_PIDFD) && (flags & (CLONE_THREAD | CLONE_DETACHED))) return Error::from_errno(EINVAL);
    if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND)) return Error::from_errno(EINVAL);
    if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM)) return Error::from_errno(EINVAL);
    if (flags & CLONE_THREAD) {
        if ((flags & kThreadFlags) != kThreadFlags) return Error::from_errno(EINVAL);
        if (flags & ~kSupportedThreadFlags & ~std::uint64_t{CSIGNAL}) return Error::from_errno(EINVAL);
        return TRY(process::create_thread(current_thread(), *a.context, request));
    }
    if (flags & ~kSupportedProcessFlags) {
        log::debug("clone of a process with flags 0x%lx: only CLONE_VM, CLONE_VFORK, CLONE_SETTLS and the tid "
                   "flags are supported; EINVAL",
                   static_cast<unsigned long>(flags));
        return Error::from_errno(EINVAL);
    }
    if ((flags & CSIGNAL) > 64) return Error::from_errno(EINVAL);
    // The pidfd's place must take it before the child exists.
    if (flags & CLONE_PIDFD) TRY(mm::user_writable(pidfd_at, sizeof(int)));
    return create_process(a, request, pidfd_at);
}

Result<long> sys_clone(SyscallArgs& a) {
    // x86-64 order: flags, stack, parent_tid, child_tid, tls. CLONE_PIDFD
    // puts the pidfd where parent_tid points, so the two cannot go together.
    if ((a.arg[0] & CLONE_PIDFD) && (a.arg[0] & CLONE_PARENT_SETTID)) return Error::from_errno(EINVAL);
    return clone_common(a, {a.arg[0], a.arg[1], a.arg[2], a.arg[3], a.arg[4]}, a.arg[2]);
}

struct CloneArgs {
    std::uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size,
        cgroup;
};

Result<long> sys_clone3(SyscallArgs& a) {
    std::uint64_t size = a.size(1);
    if (size < 64 || size > 4096) return Error::from_errno(EINVAL);
    CloneArgs args{};
    TRY(mm::copy_from_user(&args, a.address(0), size < sizeof args ? size : sizeof args));
    if (args.set_tid || args.set_tid_size) return Error::from_errno(EINVAL);
    if ((args.stack == 0) != (args.stack_size == 0)) return Error::from_errno(EINVAL);
    // clone3 names the exit signal in its own field, never in the flags.
    if ((args.flags & CSIGNAL) || args.exit_signal > 64) return Error::from_errno(EINVAL);
    std::uint64_t stack = args.stack ? args.stack + args.stack_size : 0;
    return clone_common(a, {args.flags | args.exit_signal, stack, args.parent_tid, args.child_tid, args.tls}, args.pidfd);
}

Result<long> sys_fork(SyscallArgs& a) {
    return TRY(process::fork_process(current_thread(), *a.context, {SIGCHLD, 0, 0, 0, 0}, "fork"));
}
Result<long> sys_vfork(SyscallArgs& a) {
    return TRY(process::spawn_process(current_thread(), *a.context, {CLONE_VM | CLONE_VFORK | SIGCHLD, 0, 0, 0, 0}));
}

Result<long> sys_exit(SyscallArgs& a) { process::exit_thread(current_thread(), a.integer(0)); }
Result<long> sys_exit_group(SyscallArgs& a) { process::exit_process(current_process(), a.integer(0)); }
Result<long> sys_gettid(SyscallArgs&) { return current_thread().tid(); }

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

Result<long> sys_get_robust_list(SyscallArgs& a) {
    int tid = a.integer(0);
    process::Thread& thread = current_thread();
    if (tid != 0 && tid != thread.tid()) return Error::from_errno(ESRCH);
    TRY(mm::write_user(a.address(1), thread.robust_list));
    TRY(mm::write_user(a.address(2), std::uint64_t{24}));
    return 0;
}

struct Timespec {
    std::int64_t seconds;
    std::int64_t nanoseconds;
};

constexpr std::int64_t kNs = 1000000000;
constexpr int kClockRealtime = 0, kClockMonotonic = 1;

std::int64_t clock_now_ns(int clock) {
    std::int64_t s = 0, ns = 0;
    (void)host::clock_gettime(clock, s, ns);
    return s * kNs + ns;
}

long resume_futex_wait(const process::RestartBlock& block);

// A timed futex wait cut short by a signal: restart_syscall waits again
// until the same deadline (Linux's futex_wait_restart).
long interrupted_futex_wait(std::uint64_t address, int flags, std::uint32_t value, std::uint32_t bitset,
                            std::int64_t deadline) {
    process::RestartBlock& block = current_thread().restart;
    block = process::RestartBlock{};
    block.resume = resume_futex_wait;
    block.futex_address = address;
    block.futex_flags = flags;
    block.futex_value = value;
    block.futex_bitset = bitset;
    block.deadline_ns = deadline;
    return -process::kRestartBlock;
}

long resume_futex_wait(const process::RestartBlock& block) {
    Timespec until{block.deadline_ns / kNs, block.deadline_ns % kNs};
    auto* word = reinterpret_cast<std::uint32_t*>(block.futex_address);
    if (mm::user_readable(block.futex_address, 4).is_error()) return -EFAULT;
    long result = host::futex(word, FUTEX_WAIT_BITSET | block.futex_flags, block.futex_value, &until, nullptr,
                              block.futex_bitset);
    if (result == -EINTR)
        return interrupted_futex_wait(block.futex_address, block.futex_flags, block.futex_value, block.futex_bitset,
                                      block.deadline_ns);
    return result;
}

// Application futexes are host futexes on the same addresses: the
// enclave is one address space, so every operation but priority
// inheritance (whose futex words hold host tids) passes through.
Result<long> sys_futex(SyscallArgs& a) {
    std::uint64_t address = a.address(0);
    int op = a.integer(1);
    int command = op & FUTEX_CMD_MASK;
    std::uint32_t value = static_cast<std::uint32_t>(a.arg[2]);
    if (address % 4) return Error::from_errno(EINVAL);
    if ((op & FUTEX_CLOCK_REALTIME) && command != FUTEX_WAIT_BITSET && command != FUTEX_WAIT)
        return Error::from_errno(ENOSYS);
    auto* word = reinterpret_cast<std::uint32_t*>(address);
    switch (command) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET: {
        TRY(mm::user_readable(address, 4));
        if (command == FUTEX_WAIT_BITSET && a.arg[5] == 0) return Error::from_errno(EINVAL);
        Timespec timeout{};
        bool timed = a.address(3) != 0;
        if (timed) {
            timeout = TRY(mm::read_user<Timespec>(a.address(3)));
            if (timeout.seconds < 0 || timeout.nanoseconds < 0 || timeout.nanoseconds >= 1000000000)
                return Error::from_errno(EINVAL);
        }
        int clock = op & FUTEX_CLOCK_REALTIME ? kClockRealtime : kClockMonotonic;
        std::int64_t started = timed && command == FUTEX_WAIT ? clock_now_ns(clock) : 0;
        long result = host::futex(word, op, value, timed ? &timeout : nullptr, nullptr,
                                  static_cast<std::uint32_t>(a.arg[5]));
        if (result == -EINTR && timed) {
            // FUTEX_WAIT's timeout is relative, FUTEX_WAIT_BITSET's absolute.
            std::int64_t length = timeout.seconds * kNs + timeout.nanoseconds;
            std::int64_t deadline = command == FUTEX_WAIT ? started + length : length;
            std::uint32_t bitset = command == FUTEX_WAIT ? FUTEX_BITSET_MATCH_ANY : static_cast<std::uint32_t>(a.arg[5]);
            return interrupted_futex_wait(address, op & (FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME), value, bitset,
                                          deadline);
        }
        if (result == -EINTR) return -process::kRestartSys;
        if (result < 0) return Error::from_errno(static_cast<int>(-result));
        return result;
    }
    case FUTEX_WAKE:
    case FUTEX_WAKE_BITSET: {
        if (command == FUTEX_WAKE_BITSET && a.arg[5] == 0) return Error::from_errno(EINVAL);
        long result = host::futex(word, op, value, nullptr, nullptr, static_cast<std::uint32_t>(a.arg[5]));
        if (result < 0) return Error::from_errno(static_cast<int>(-result));
        return result;
    }
    case FUTEX_REQUEUE:
    case FUTEX_CMP_REQUEUE:
    case FUTEX_WAKE_OP: {
        TRY(mm::user_writable(address, 4));
        TRY(mm::user_writable(a.address(4), 4));
        if (a.address(4) % 4) return Error::from_errno(EINVAL);
        // val2 travels in the timeout argument.
        long result = host::futex(word, op, value, reinterpret_cast<const void*>(a.arg[3]),
                                  reinterpret_cast<std::uint32_t*>(a.address(4)), static_cast<std::uint32_t>(a.arg[5]));
        if (result < 0) return Error::from_errno(static_cast<int>(-result));
        return result;
    }
    default: {
        static bool logged = false;
        if (!logged) {
            logged = true;
            log::debug("futex operation %d (priority inheritance) is not supported: ENOSYS", command);
        }
        return Error::from_errno(ENOSYS);
    }
    }
}

Result<long> sys_sched_yield(SyscallArgs&) {
    host::sched_yield();
    return 0;
}

Result<long> sys_getcpu(SyscallArgs& a) {
    unsigned cpu = 0, node = 0;
    TRY(host::getcpu(cpu, node));
    if (a.address(0)) TRY(mm::write_user(a.address(0), cpu));
    if (a.address(1)) TRY(mm::write_user(a.address(1), node));
    return 0;
}

Result<long> sys_prctl(SyscallArgs& a) {
    process::Thread& thread = current_thread();
    switch (a.integer(0)) {
    case PR_SET_NAME: {
        char name[process::Thread::kNameSize] = {};
        auto text = TRY(mm::copy_string_from_user(a.address(1), 4096));
        thread.set_name(text.view());
        (void)name;
        return 0;
    }
    case PR_GET_NAME: {
        char name[process::Thread::kNameSize] = {};
        std::string_view current = thread.name();
        for (std::size_t i = 0; i < current.size(); ++i) name[i] = current[i];
        TRY(mm::copy_to_user(a.address(1), name, sizeof name));
        return 0;
    }
    case PR_GET_DUMPABLE: return 1;
    case PR_SET_DUMPABLE: return (a.arg[1] <= 1) ? 0 : Result<long>(Error::from_errno(EINVAL));
    case PR_SET_PDEATHSIG: return a.arg[1] <= 64 ? 0 : Result<long>(Error::from_errno(EINVAL));
    case PR_GET_PDEATHSIG:
        TRY(mm::write_user(a.address(1), 0));
        return 0;
    case PR_SET_NO_NEW_PRIVS: return a.arg[1] == 1 ? 0 : Result<long>(Error::from_errno(EINVAL));
    case PR_GET_NO_NEW_PRIVS: return 1;
    case PR_GET_TIMERSLACK: return 50000;
    case PR_CAPBSET_READ:
    case PR_CAPBSET_DROP:
    case PR_GET_KEEPCAPS:
    case PR_SET_KEEPCAPS:
    case PR_GET_SECUREBITS:
    case PR_CAP_AMBIENT: return capability_prctl(a.integer(0), a.arg[1], a.arg[2]);
    default: return Error::from_errno(EINVAL);
    }
}

constexpr SyscallSpec kSpecs[] = {
    {__NR_clone, sys_clone, "xppppx"},
    {__NR_clone3, sys_clone3, "pu"},
    {__NR_fork, sys_fork, ""},
    {__NR_vfork, sys_vfork, ""},
    {__NR_exit, sys_exit, "d"},
    {__NR_exit_group, sys_exit_group, "d"},
    {__NR_gettid, sys_gettid, ""},
    {__NR_set_tid_address, sys_set_tid_address, "p"},
    {__NR_set_robust_list, sys_set_robust_list, "pu"},
    {__NR_get_robust_list, sys_get_robust_list, "dpp"},
    {__NR_futex, sys_futex, "pxupxx"},
    {__NR_sched_yield, sys_sched_yield, ""},
    {__NR_getcpu, sys_getcpu, "ppp"},
    {__NR_prctl, sys_prctl, "dxxxx"},
};

}  // namespace

std::span<const SyscallSpec> thread_syscalls() { return kSpecs; }

}  // namespace cella::syscall
