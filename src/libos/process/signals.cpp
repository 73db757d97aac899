#include "signals.h"

#include <asm-generic/errno.h>
#include <asm/signal.h>
#include <asm/unistd.h>

#include "libos/entry/cpu.h"
#include "libos/entry/host_signals.h"
#include "libos/host/host.h"
#include "libos/runtime/log.h"
#include "children.h"
#include "current.h"
#include "lifecycle.h"
#include "signal_defaults.h"
#include "signal_frame.h"
#include "threads.h"

namespace cella::process {
namespace {

constexpr std::uint64_t kDefaultHandler = 0;
constexpr std::uint64_t kIgnoreHandler = 1;
constexpr unsigned long kSaRestart = 0x10000000;
constexpr unsigned long kSaNoDefer = 0x40000000;
constexpr unsigned long kSaResetHand = 0x80000000;
constexpr std::uint64_t kUnblockable = signal_bit(SIGKILL) | signal_bit(SIGSTOP);

bool is_ignored(Process& process, int signal) {
    std::uint64_t handler = process.signal_actions()[signal - 1].handler;
    if (handler == kIgnoreHandler) return signal != SIGKILL && signal != SIGSTOP;
    return handler == kDefaultHandler && default_action(signal) == DefaultAction::Ignore;
}

// Whether the thread has something to act on now. Caller holds signal_lock.
bool has_deliverable(Thread& thread) {
    Process& process = thread.process();
    // Blocked signals count while the thread waits for them (sigtimedwait).
    std::uint64_t wanted = ~thread.signal_mask | thread.waiting_for;
    return process.exiting || (thread.pending.pending() & wanted) || (process.shared_pending().pending() & wanted);
}

void interrupt_locked(Thread& thread) {
    thread.cpu().interrupt_requested = 1;
    if (&thread != entry::current_cpu()->thread && thread.host_tid) host::kick_thread(thread.host_tid);
}

void rearm(Thread& thread) {
    if (has_deliverable(thread)) interrupt_locked(thread);
}

constexpr std::uint64_t kStopSignals =
    signal_bit(SIGSTOP) | signal_bit(SIGTSTP) | signal_bit(SIGTTIN) | signal_bit(SIGTTOU);

void discard_everywhere(Process& process, std::uint64_t signals) {
    for (int signal = 1; signal <= kMaxSignal; ++signal) {
        if (!(signals & signal_bit(signal))) continue;
        process.shared_pending().discard(signal);
        process.for_each_thread([&](Thread& thread) { thread.pending.discard(signal); });
    }
}

// Linux's prepare_signal: what a signal does on its way in, before it is
// queued. SIGCONT and SIGKILL end a job-control stop; SIGCONT cancels
// pending stops and a stop signal a pending SIGCONT. Returns whether the
// process was continued (the parent is told after the lock).
bool prepare_signal(Process& process, int signal) {
    bool continued = false;
    if (signal == SIGCONT || signal == SIGKILL) {
        if (signal == SIGCONT) discard_everywhere(process, kStopSignals);
        if (process.group_stopped) {
            process.group_stopped = false;
            continued = signal == SIGCONT;
            process.for_each_thread([&](Thread& thread) { interrupt_locked(thread); });
        }
    } else if (kStopSignals & signal_bit(signal)) {
        discard_everywhere(process, signal_bit(SIGCONT));
    }
    return continued;
}

// Thread in return_to_user with the signal lock held: waits while its
// process is stopped. False when the process is exiting instead.
bool wait_while_stopped(Thread& thread) {
    Process& process = thread.process();
    while (process.group_stopped && !process.exiting) {
        thread.cpu().interrupt_requested = 0;
        process.signal_lock().unlock();
        wait_for_interrupt(-1);
        process.signal_lock().lock();
    }
    return !process.exiting;
}

// The default action of a stop signal: every thread stops.
void stop_process(Thread& thread, int signal) {
    Process& process = thread.process();
    process.group_stopped = true;
    process.for_each_thread([&](Thread& other) {
        if (&other != &thread) interrupt_locked(other);
    });
    process.signal_lock().unlock();
    report_stopped(process, signal);
    process.signal_lock().lock();
}

// Lock held. Queues `info` for the process and wakes a thread to take it.
base::Result<void> queue_for_process(Process& process, const AppSiginfo& info) {
    TRY(process.shared_pending().add(info));
    // Prefer the calling thread, then any thread that does not block it.
    Thread* target = nullptr;
    Thread* self = entry::current_cpu()->thread;
    std::uint64_t bit = signal_bit(info.signo);
    auto wants = [&](Thread& thread) {
        return (bit & kUnblockable) || !(thread.signal_mask & bit) || (thread.waiting_for & bit);
    };
    if (self && &self->process() == &process && wants(*self)) target = self;
    if (!target) {
        process.for_each_thread([&](Thread& thread) {
            if (!target && wants(thread)) target = &thread;
        });
    }
    if (target) interrupt_locked(*target);
    return {};
}

// Lock held. Linux's force_sigsegv, for a handler of `failed` whose frame
// could not be written (0: an rt_sigreturn whose frame could not be read,
// Linux's force_sig): SIGSEGV goes to the thread, and it cannot be blocked
// or ignored. When SIGSEGV's own frame failed, its handler is reset first,
// so the next failure kills the process instead of looping.
void force_sigsegv(Thread& thread, int failed) {
    Process& process = thread.process();
    SignalAction& action = process.signal_actions()[SIGSEGV - 1];
    std::uint64_t bit = signal_bit(SIGSEGV);
    if (failed == SIGSEGV || action.handler == kIgnoreHandler || (thread.signal_mask & bit)) action = SignalAction{};
    thread.signal_mask &= ~bit;
    if (thread.pending.add(make_siginfo(SIGSEGV, kSiKernel)).is_error()) {
        process.signal_lock().unlock();
        kill_process(process, SIGSEGV);
    }
    interrupt_locked(thread);
}

}  // namespace

void interrupt(Thread& thread) {
    base::ScopedLock guard(thread.process().signal_lock());
    interrupt_locked(thread);
}

void interrupt_others(Process& process, Thread* self) {
    base::ScopedLock guard(process.signal_lock());
    process.for_each_thread([&](Thread& thread) {
        if (&thread != self) interrupt_locked(thread);
    });
}

void raise_sigpipe() {
    (void)send_to_thread(current_thread(), kill_siginfo(13 /* SIGPIPE */, kSiUser, current_pid()));
}

base::Result<void> send_to_thread(Thread& thread, const AppSiginfo& info) {
    Process& process = thread.process();
    bool continued, queued = false;
    {
        base::ScopedLock guard(process.signal_lock());
        continued = prepare_signal(process, info.signo);
        if (!is_ignored(process, info.signo) || (thread.signal_mask & signal_bit(info.signo))) {
            TRY(thread.pending.add(info));
            rearm(thread);
            queued = true;
        }
    }
    if (queued) process.signal_arrivals.notify_all();
    if (continued) report_continued(process);
    return {};
}

base::Result<void> send_to_process(Process& process, const AppSiginfo& info) {
    bool continued, queued = false;
    {
        base::ScopedLock guard(process.signal_lock());
        continued = prepare_signal(process, info.signo);
        // As Linux's sig_ignored: a signal the main thread blocks is kept,
        // since the action may change before it is unblocked (and a
        // signalfd may take it).
        bool blocked = false;
        process.for_each_thread([&](Thread& thread) {
            if (thread.tid() == process.pid()) blocked = thread.signal_mask & signal_bit(info.signo);
        });
        if (!is_ignored(process, info.signo) || blocked) {
            TRY(queue_for_process(process, info));
            queued = true;
        }
    }
    if (queued) process.signal_arrivals.notify_all();
    if (continued) report_continued(process);
    return {};
}

void set_signal_mask(Thread& thread, std::uint64_t mask) {
    base::ScopedLock guard(thread.process().signal_lock());
    thread.signal_mask = mask & ~kUnblockable;
    rearm(thread);
}

base::Result<void> set_action(Process& process, int signal, const SignalAction& action, SignalAction* old) {
    base::ScopedLock guard(process.signal_lock());
    SignalAction& slot = process.signal_actions()[signal - 1];
    if (old) *old = slot;
    slot = action;
    if (is_ignored(process, signal)) discard_everywhere(process, signal_bit(signal));
    return {};
}

bool take_signal(Thread& thread, std::uint64_t set, AppSiginfo& out) {
    base::ScopedLock guard(thread.process().signal_lock());
    if (thread.pending.take(~set, out)) return true;
    return thread.process().shared_pending().take(~set, out);
}

std::uint64_t pending_signals(Thread& thread) {
    base::ScopedLock guard(thread.process().signal_lock());
    return thread.pending.pending() | thread.process().shared_pending().pending();
}

// What a syscall interrupted by a signal turns into (Linux's handle_signal
// and the no-handler restart in arch_do_signal_or_restart).
static void finish_interrupted(entry::KernelMcontext& regs, long syscall, bool handler_runs, unsigned long sa_flags) {
    long result = static_cast<long>(regs.rax);
    bool restart = false;
    switch (-result) {
    case kRestartSys: restart = !handler_runs || (sa_flags & kSaRestart); break;
    case kRestartNoIntr: restart = true; break;
    case kRestartNoHand:
    case kRestartBlock: restart = !handler_runs; break;
    default: return;
    }
    if (restart) {
        // The call resumes through restart_syscall with what the thread's
        // restart block kept (the time left).
        regs.rax = static_cast<std::uint64_t>(-result == kRestartBlock ? __NR_restart_syscall : syscall);
        regs.rip -= 2;  // back onto the `syscall` instruction
    } else {
        regs.rax = static_cast<std::uint64_t>(-static_cast<long>(EINTR));
    }
}

void return_to_user(Thread& thread, entry::KernelUcontext& context, long syscall) {
    entry::KernelMcontext& regs = context.uc_mcontext;
    if (!thread.cpu().interrupt_requested) {
        if (syscall >= 0) finish_interrupted(regs, syscall, false, 0);
        return;
    }
    Process& process = thread.process();
    process.signal_lock().lock();
    thread.cpu().interrupt_requested = 0;
    if (!wait_while_stopped(thread)) {
        process.signal_lock().unlock();
        exit_thread_for_group(thread);
    }
    while (true) {
        AppSiginfo info;
        if (!thread.pending.take(thread.signal_mask, info) &&
            !process.shared_pending().take(thread.signal_mask, info))
            break;
        int signal = info.signo;
        SignalAction action = process.signal_actions()[signal - 1];
        if (action.handler == kIgnoreHandler && signal != SIGKILL && signal != SIGSTOP) continue;
        if (action.handler == kDefaultHandler || signal == SIGKILL || signal == SIGSTOP) {
            DefaultAction what = default_action(signal);
            if (what == DefaultAction::Terminate) {
                process.signal_lock().unlock();
                kill_process(process, signal);
            }
            if (what == DefaultAction::Stop) {
                stop_process(thread, signal);
                if (!wait_while_stopped(thread)) {
                    process.signal_lock().unlock();
                    exit_thread_for_group(thread);
                }
            }
            continue;
        }
        // A handler: build its frame on the application stack.
        if (syscall >= 0) finish_interrupted(regs, syscall, true, action.flags);
        std::uint64_t saved_mask = thread.restore_mask_after_handler ? thread.mask_after_handler : thread.signal_mask;
        if (enter_handler(context, action, info, saved_mask, thread.signal_stack).is_error()) {
            log::debug("cannot write the frame for %s on the application stack", signal_name(signal));
            force_sigsegv(thread, signal);
            continue;
        }
        thread.restore_mask_after_handler = false;
        std::uint64_t mask = thread.signal_mask | action.mask;
        if (!(action.flags & kSaNoDefer)) mask |= signal_bit(signal);
        thread.signal_mask = mask & ~kUnblockable;
        if (action.flags & kSaResetHand) process.signal_actions()[signal - 1] = SignalAction{};
        rearm(thread);
        process.signal_lock().unlock();
        return;
    }
    if (thread.restore_mask_after_handler) {
        // sigsuspend woke for a signal that needed no handler: its mask goes back now.
        thread.restore_mask_after_handler = false;
        thread.signal_mask = thread.mask_after_handler;
        rearm(thread);
    }
    process.signal_lock().unlock();
    if (syscall >= 0) finish_interrupted(regs, syscall, false, 0);
}

void deliver_fault(Thread& thread, entry::KernelUcontext& context, const AppSiginfo& info) {
    Process& process = thread.process();
    int signal = info.signo;
    process.signal_lock().lock();
    SignalAction& slot = process.signal_actions()[signal - 1];
    bool blocked = thread.signal_mask & signal_bit(signal);
    if (blocked || slot.handler == kIgnoreHandler || slot.handler == kDefaultHandler) {
        process.signal_lock().unlock();
        kill_process_at(process, signal, info);
    }
    SignalAction action = slot;
    if (enter_handler(context, action, info, thread.signal_mask, thread.signal_stack).is_error()) {
        force_sigsegv(thread, signal);
        process.signal_lock().unlock();
        return_to_user(thread, context, -1);
        return;
    }
    std::uint64_t mask = thread.signal_mask | action.mask;
    if (!(action.flags & kSaNoDefer)) mask |= signal_bit(signal);
    thread.signal_mask = mask & ~kUnblockable;
    if (action.flags & kSaResetHand) slot = SignalAction{};
    process.signal_lock().unlock();
}

long return_from_handler(Thread& thread, entry::KernelUcontext& context) {
    Process& process = thread.process();
    process.signal_lock().lock();
    auto restored = leave_handler(context, thread.signal_stack);
    if (restored.is_error()) {
        // Linux's badframe: SIGSEGV (force_sig), which a handler may catch.
        force_sigsegv(thread, 0);
        process.signal_lock().unlock();
        context.uc_mcontext.rax = 0;  // what Linux's sys_rt_sigreturn returns then
        return 0;
    }
    thread.signal_mask = restored.value() & ~kUnblockable;
    // Linux: a restart_syscall after a handler has nothing to resume.
    thread.restart = RestartBlock{};
    rearm(thread);
    process.signal_lock().unlock();
    return static_cast<long>(context.uc_mcontext.rax);
}

bool wait_for_interrupt(std::int64_t timeout_ns) {
    // ppoll with the application host mask: the kick gets through even
    // when the wait runs inside the kick handler (which blocks kicks), as
    // a job-control stop taken there does.
    std::uint64_t mask = entry::kApplicationHostMask;
    std::int64_t request[2] = {timeout_ns / 1000000000, timeout_ns % 1000000000};
    long result = host::blocking_syscall(__NR_ppoll, 0, 0, timeout_ns < 0 ? 0 : reinterpret_cast<long>(request),
                                         reinterpret_cast<long>(&mask), sizeof mask);
    return result != 0;
}

}  // namespace cella::process
