// Signal syscalls: decode, check, call process/signals.
#include <asm-generic/errno.h>
#include <asm/signal.h>
#include <asm/unistd.h>

#include "libos/host/host.h"
#include "libos/fs/procfs/procfs.h"
#include "libos/mm/user_memory.h"
#include "libos/process/current.h"
#include "libos/process/kill.h"
#include "libos/process/pidfd.h"
#include "libos/process/process_table.h"
#include "libos/process/signal_frame.h"
#include "libos/process/signals.h"
#include "syscall.h"

namespace cella::syscall {
namespace {

using process::AppSiginfo;
using process::current_process;
using process::current_thread;

constexpr std::uint64_t kSigsetSize = 8;
constexpr std::uint64_t kMinSignalStack = 2048;  // MINSIGSTKSZ

Result<int> signal_arg(const SyscallArgs& a, int i, bool allow_zero) {
    int signal = a.integer(i);
    if (signal < (allow_zero ? 0 : 1) || signal > process::kMaxSignal) return Error::from_errno(EINVAL);
    return signal;
}

Result<long> sys_rt_sigaction(SyscallArgs& a) {
    int signal = TRY(signal_arg(a, 0, false));
    if (a.size(3) != kSigsetSize) return Error::from_errno(EINVAL);
    process::SignalAction old;
    if (a.address(1)) {
        if (signal == SIGKILL || signal == SIGSTOP) return Error::from_errno(EINVAL);
        auto action = TRY(mm::read_user<process::SignalAction>(a.address(1)));
        action.mask &= ~(process::signal_bit(SIGKILL) | process::signal_bit(SIGSTOP));
        TRY(process::set_action(current_process(), signal, action, &old));
    } else {
        base::ScopedLock guard(current_process().signal_lock());
        old = current_process().signal_actions()[signal - 1];
    }
    if (a.address(2)) TRY(mm::write_user(a.address(2), old));
    return 0;
}

Result<long> sys_rt_sigprocmask(SyscallArgs& a) {
    if (a.size(3) != kSigsetSize) return Error::from_errno(EINVAL);
    process::Thread& thread = current_thread();
    std::uint64_t old = thread.signal_mask;
    if (a.address(1)) {
        std::uint64_t set = TRY(mm::read_user<std::uint64_t>(a.address(1)));
        std::uint64_t mask;
        switch (a.integer(0)) {
        case SIG_BLOCK: mask = old | set; break;
        case SIG_UNBLOCK: mask = old & ~set; break;
        case SIG_SETMASK: mask = set; break;
        default: return Error::from_errno(EINVAL);
        }
        process::set_signal_mask(thread, mask);
    }
    if (a.address(2)) TRY(mm::write_user(a.address(2), old));
    return 0;
}

Result<long> sys_rt_sigreturn(SyscallArgs& a) {
    a.context_replaced = true;
    return process::return_from_handler(current_thread(), *a.context);
}

// Resumes the call a signal without handler cut short (the thread's
// restart block); with nothing to resume, EINTR as Linux answers.
Result<long> sys_restart_syscall(SyscallArgs&) {
    process::RestartBlock block = current_thread().restart;
    current_thread().restart = process::RestartBlock{};
    if (!block.resume) return Error::from_errno(EINTR);
    long result = block.resume(block);
    if (result < 0 && result != -process::kRestartBlock) return Error::from_errno(static_cast<int>(-result));
    return result;
}

Result<long> sys_sigaltstack(SyscallArgs& a) {
    process::Thread& thread = current_thread();
    std::uint64_t sp = a.context->uc_mcontext.rsp;
    process::AppSignalStack current;
    {
        base::ScopedLock guard(current_process().signal_lock());
        current = thread.signal_stack;
    }
    bool on_stack = process::on_signal_stack(current, sp);
    if (a.address(0)) {
        auto wanted = TRY(mm::read_user<process::AppSignalStack>(a.address(0)));
        if (on_stack) return Error::from_errno(EPERM);
        int mode = wanted.flags & ~process::kSsAutoDisarm;
        if (mode != 0 && mode != process::kSsDisable && mode != process::kSsOnStack) return Error::from_errno(EINVAL);
        if (mode == process::kSsDisable) {
            wanted = process::AppSignalStack{};
        } else {
            if (wanted.size < kMinSignalStack) return Error::from_errno(ENOMEM);
            wanted.flags &= process::kSsAutoDisarm;
        }
        base::ScopedLock guard(current_process().signal_lock());
        thread.signal_stack = wanted;
    }
    if (a.address(1)) {
        process::AppSignalStack reported = current;
        if (on_stack) reported.flags = process::kSsOnStack | (current.flags & process::kSsAutoDisarm);
        TRY(mm::write_user(a.address(1), reported));
    }
    return 0;
}

Result<long> sys_rt_sigpending(SyscallArgs& a) {
    if (a.size(1) > kSigsetSize) return Error::from_errno(EINVAL);
    std::uint64_t pending = process::pending_signals(current_thread()) & current_thread().signal_mask;
    TRY(mm::copy_to_user(a.address(0), &pending, a.size(1)));
    return 0;
}

Result<long> sys_rt_sigsuspend(SyscallArgs& a) {
    if (a.size(1) != kSigsetSize) return Error::from_errno(EINVAL);
    std::uint64_t mask = TRY(mm::read_user<std::uint64_t>(a.address(0)));
    process::Thread& thread = current_thread();
    {
        base::ScopedLock guard(current_process().signal_lock());
        thread.mask_after_handler = thread.signal_mask;
        thread.restore_mask_after_handler = true;
    }
    process::set_signal_mask(thread, mask);
    process::wait_for_interrupt(-1);
    return -process::kRestartNoHand;
}

Result<long> sys_pause(SyscallArgs&) {
    process::wait_for_interrupt(-1);
    return -process::kRestartNoHand;
}

struct Timespec {
    std::int64_t seconds;
    std::int64_t nanoseconds;
};

Result<long> sys_rt_sigtimedwait(SyscallArgs& a) {
    if (a.size(3) != kSigsetSize) return Error::from_errno(EINVAL);
    std::uint64_t set = TRY(mm::read_user<std::uint64_t>(a.address(0)));
    set &= ~(process::signal_bit(SIGKILL) | process::signal_bit(SIGSTOP));
    std::int64_t timeout_ns = -1;
    if (a.address(2)) {
        Timespec timeout = TRY(mm::read_user<Timespec>(a.address(2)));
        if (timeout.seconds < 0 || timeout.nanoseconds < 0 || timeout.nanoseconds >= 1000000000)
            return Error::from_errno(EINVAL);
        timeout_ns = timeout.seconds * 1000000000 + timeout.nanoseconds;
    }
    process::Thread& thread = current_thread();
    std::int64_t start_s = 0, start_ns = 0;
    TRY(host::clock_gettime(1, start_s, start_ns));
    while (true) {
        AppSiginfo info;
        {
            base::ScopedLock guard(current_process().signal_lock());
            thread.waiting_for = set;
        }
        bool found = process::take_signal(thread, set, info);
        if (found || timeout_ns == 0) {
            base::ScopedLock guard(current_process().signal_lock());
            thread.waiting_for = 0;
            if (!found) return Error::from_errno(EAGAIN);
        }
        if (found) {
            if (a.address(1)) TRY(mm::write_user(a.address(1), info));
            return info.signo;
        }
        std::int64_t left = -1;
        if (timeout_ns > 0) {
            std::int64_t now_s = 0, now_ns = 0;
            TRY(host::clock_gettime(1, now_s, now_ns));
            left = timeout_ns - ((now_s - start_s) * 1000000000 + (now_ns - start_ns));
            if (left <= 0) left = 0;
        }
        bool woken = left != 0 && process::wait_for_interrupt(left);
        {
            base::ScopedLock guard(current_process().signal_lock());
            thread.waiting_for = 0;
        }
        if (process::take_signal(thread, set, info)) {
            if (a.address(1)) TRY(mm::write_user(a.address(1), info));
            return info.signo;
        }
        if (!woken) return Error::from_errno(EAGAIN);
        // Woken for something else: a handler to run, or the process exiting.
        if (thread.cpu().interrupt_requested) return Error::from_errno(EINTR);
    }
}

Result<long> queue_to(process::Process& process, process::Thread* thread, int signal, std::uint64_t info_address) {
    AppSiginfo info = TRY(mm::read_user<AppSiginfo>(info_address));
    bool to_self = &process == &current_process();
    // Only the kernel may claim kernel si_codes, and tkill's only to oneself.
    if (!to_self && (info.code >= 0 || info.code == process::kSiTkill)) return Error::from_errno(EPERM);
    info.signo = signal;
    if (thread)
        TRY(process::send_to_thread(*thread, info));
    else
        TRY(process::send_to_process(process, info));
    return 0;
}

Result<long> sys_rt_sigqueueinfo(SyscallArgs& a) {
    int signal = TRY(signal_arg(a, 1, false));
    base::RefPtr<process::Process> target = process::process_table().find_process(a.integer(0));
    if (!target) return Error::from_errno(ESRCH);
    return queue_to(*target, nullptr, signal, a.address(2));
}

// The thread with `tid` in process `tgid` (any process when tgid <= 0).
Result<process::Thread*> find_thread(int tgid, int tid) {
    if (tid <= 0) return Error::from_errno(EINVAL);
    process::ProcessTable& table = process::process_table();
    base::ScopedLock guard(table.lock());
    process::Thread* thread = table.find_thread(tid);
    if (!thread || (tgid > 0 && thread->process().pid() != tgid)) return Error::from_errno(ESRCH);
    return thread;
}

Result<long> sys_rt_tgsigqueueinfo(SyscallArgs& a) {
    int signal = TRY(signal_arg(a, 2, false));
    if (a.integer(0) <= 0) return Error::from_errno(EINVAL);
    process::Thread* thread = TRY(find_thread(a.integer(0), a.integer(1)));
    return queue_to(thread->process(), thread, signal, a.address(3));
}

// The process a pidfd names: a pidfd, or an fd of a /proc/PID directory
// (Linux's tgid_pidfd_to_pid).
struct PidfdTarget {
    base::RefPtr<process::Process> process;
    bool exists;
    bool exited;
};

Result<PidfdTarget> pidfd_target(int fd) {
    auto pidfd = process::pidfd_of(current_process(), fd);
    if (!pidfd.is_error())
        return PidfdTarget{base::RefPtr<process::Process>(&pidfd.value()->process()), pidfd.value()->process_exists(),
                           pidfd.value()->process_exited()};
    base::RefPtr<fs::OpenFile> file = TRY(current_process().fds().get(fd));
    int pid = file->inode() ? fs::procfs::process_directory_pid(file->inode()->stat()) : 0;
    if (!pid) return Error::from_errno(EBADF);
    base::RefPtr<process::Process> process = process::process_table().find_process(pid);
    if (!process) return Error::from_errno(ESRCH);
    return PidfdTarget{process, true, process->run_state == process::RunState::Zombie};
}

// kill() through a pidfd: an exited process not yet reaped takes the
// signal silently, a reaped one is ESRCH.
// PIDFD_SIGNAL_THREAD sends to the process's main thread,
// PIDFD_SIGNAL_PROCESS_GROUP to its whole group.
Result<long> sys_pidfd_send_signal(SyscallArgs& a) {
    constexpr std::uint64_t kThread = 1, kThreadGroup = 2, kProcessGroup = 4;
    std::uint64_t flags = a.arg[3];
    if ((flags & ~(kThread | kThreadGroup | kProcessGroup)) || (flags & (flags - 1))) return Error::from_errno(EINVAL);
    PidfdTarget target = TRY(pidfd_target(a.fd(0)));
    process::Process& process = *target.process;
    int signal = TRY(signal_arg(a, 1, true));
    if (!target.exists) return Error::from_errno(ESRCH);
    if (flags == kProcessGroup) {
        TRY(process::kill_processes(current_process(), -process.pgid, signal));
        return 0;
    }
    if (signal == 0 || target.exited) return 0;
    if (a.address(2) && TRY(mm::read_user<AppSiginfo>(a.address(2))).signo != signal) return Error::from_errno(EINVAL);
    if (flags == kThread) {
        process::Thread* thread = TRY(find_thread(process.pid(), process.pid()));
        if (a.address(2)) return queue_to(process, thread, signal, a.address(2));
        TRY(process::send_to_thread(*thread, process::kill_siginfo(signal, process::kSiTkill, current_process().pid())));
        return 0;
    }
    if (a.address(2)) return queue_to(process, nullptr, signal, a.address(2));
    TRY(process::send_to_process(process, process::kill_siginfo(signal, process::kSiUser, current_process().pid())));
    return 0;
}

Result<long> sys_kill(SyscallArgs& a) {
    int signal = TRY(signal_arg(a, 1, true));
    if (a.integer(0) == -2147483647 - 1) return Error::from_errno(ESRCH);  // -INT_MIN has no group
    TRY(process::kill_processes(current_process(), a.integer(0), signal));
    return 0;
}

Result<long> send_to_tid(int tgid, int tid, int signal) {
    process::Thread* thread = TRY(find_thread(tgid, tid));
    if (signal == 0) return 0;
    TRY(process::send_to_thread(*thread, process::kill_siginfo(signal, process::kSiTkill, current_process().pid())));
    return 0;
}

Result<long> sys_tkill(SyscallArgs& a) { return send_to_tid(0, a.integer(0), TRY(signal_arg(a, 1, true))); }

Result<long> sys_tgkill(SyscallArgs& a) {
    if (a.integer(0) <= 0) return Error::from_errno(EINVAL);
    return send_to_tid(a.integer(0), a.integer(1), TRY(signal_arg(a, 2, true)));
}

constexpr SyscallSpec kSpecs[] = {
    {__NR_rt_sigaction, sys_rt_sigaction, "dppu"},
    {__NR_rt_sigprocmask, sys_rt_sigprocmask, "dppu"},
    {__NR_rt_sigreturn, sys_rt_sigreturn, ""},
    {__NR_restart_syscall, sys_restart_syscall, ""},
    {__NR_sigaltstack, sys_sigaltstack, "pp"},
    {__NR_rt_sigpending, sys_rt_sigpending, "pu"},
    {__NR_rt_sigsuspend, sys_rt_sigsuspend, "pu"},
    {__NR_rt_sigtimedwait, sys_rt_sigtimedwait, "pppu"},
    {__NR_rt_sigqueueinfo, sys_rt_sigqueueinfo, "ddp"},
    {__NR_rt_tgsigqueueinfo, sys_rt_tgsigqueueinfo, "dddp"},
    {__NR_pause, sys_pause, ""},
    {__NR_kill, sys_kill, "dd"},
    {__NR_pidfd_send_signal, sys_pidfd_send_signal, "ddpx"},
    {__NR_tkill, sys_tkill, "dd"},
    {__NR_tgkill, sys_tgkill, "ddd"},
};

}  // namespace

std::span<const SyscallSpec> signal_syscalls() { return kSpecs; }

}  // namespace cella::syscall
