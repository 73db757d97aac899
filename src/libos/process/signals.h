#pragma once
// Signals between and within processes, delivered as Linux delivers them:
// per-thread and per-process pending queues, masks, dispositions, handler
// frames on the application stack (signal_frame.h), restart or EINTR for
// interrupted syscalls, and default actions.
//
// A thread looks at its signals whenever it is about to go back to
// application code: after every syscall, and when a kick (a host signal
// the LibOS sends between its threads) interrupts it. Whoever makes a
// signal deliverable to a thread sets the thread's interrupt flag and kicks
// it, so a thread blocked in the LibOS wakes up (EINTR) and one running
// application code is stopped to take the signal.
#include <cstdint>

#include "libos/base/result.h"
#include "libos/entry/signal_types.h"
#include "process.h"
#include "siginfo.h"

namespace cella::process {

// Linux's internal "restart me" results: a blocking syscall interrupted
// by a signal returns one, and delivery turns it into a restart or EINTR.
inline constexpr long kRestartSys = 512;        // ERESTARTSYS: restart under SA_RESTART
inline constexpr long kRestartNoIntr = 513;     // ERESTARTNOINTR: always restart
inline constexpr long kRestartNoHand = 514;     // ERESTARTNOHAND: restart unless a handler ran
inline constexpr long kRestartBlock = 516;      // ERESTART_RESTARTBLOCK: as NOHAND here

// Directed at one thread (tkill, tgkill, faults).
base::Result<void> send_to_thread(Thread& thread, const AppSiginfo& info);
// SIGPIPE for the calling thread, as a write to a pipe or socket whose
// reading end is gone sends it (SI_USER, from the caller itself).
void raise_sigpipe();
// Directed at a process: queued for it, taken by a thread that does not block it.
base::Result<void> send_to_process(Process& process, const AppSiginfo& info);

// The thread's signal mask changed (or a handler became the default...):
// re-arms its interrupt flag if something became deliverable.
void set_signal_mask(Thread& thread, std::uint64_t mask);
// rt_sigaction: SIG_IGN discards what is pending.
base::Result<void> set_action(Process& process, int signal, const SignalAction& action, SignalAction* old);

// Called with the interrupted application state right before going back
// to it. `syscall` is the syscall number when coming back from one (its
// result is in the context's rax), or -1. Delivers what is deliverable,
// finishes restartable syscalls, and ends the thread if its process exits.
void return_to_user(Thread& thread, entry::KernelUcontext& context, long syscall);

// A synchronous fault in application code: Linux's force_sig. A handler
// runs now; without one (or when blocked or ignored) the process dies.
void deliver_fault(Thread& thread, entry::KernelUcontext& context, const AppSiginfo& info);

// rt_sigreturn: back from a handler. Returns the restored rax.
long return_from_handler(Thread& thread, entry::KernelUcontext& context);

// Takes a pending signal in `set` for rt_sigtimedwait; false if none.
bool take_signal(Thread& thread, std::uint64_t set, AppSiginfo& out);
// Pending signals of the thread and its process, for rt_sigpending.
std::uint64_t pending_signals(Thread& thread);

// Makes `thread` look at its signals soon: sets its flag and kicks it.
void interrupt(Thread& thread);
// The same for every thread of `process` but `self` (exit, exec). Lock
// order everywhere: the process's signal lock, then its threads lock.
void interrupt_others(Process& process, Thread* self);

// Blocks the calling thread until a kick (or `timeout_ns` nanoseconds,
// when not negative). Returns false when the time ran out.
bool wait_for_interrupt(std::int64_t timeout_ns);

}  // namespace cella::process
