#pragma once
// Linux's rt_sigframe on the application stack: how a handler is entered
// and how rt_sigreturn comes back. The application's interrupted state is
// the host ucontext the LibOS received (with the SIGSYS, kick or fault);
// entering a handler rewrites that ucontext, so the host kernel's own
// sigreturn lands in the handler, and rt_sigreturn writes the saved state
// back into it.
#include <cstdint>

#include "libos/base/result.h"
#include "libos/entry/signal_types.h"
#include "siginfo.h"
#include "signal_action.h"

namespace cella::process {

// Bytes of the FPU state at `fpstate` as the host kernel saved it.
std::size_t fpstate_size(const std::uint8_t* fpstate);

// Whether `sp` lies on the thread's alternate signal stack.
bool on_signal_stack(const AppSignalStack& stack, std::uint64_t sp);

// Builds the frame for `info` and points `context` at the handler of
// `action`. `saved_mask` is the mask the handler's rt_sigreturn restores.
// Fails (EFAULT) when the frame cannot be written.
base::Result<void> enter_handler(entry::KernelUcontext& context, const SignalAction& action, const AppSiginfo& info,
                                 std::uint64_t saved_mask, AppSignalStack& stack);

// rt_sigreturn: restores the application state saved by enter_handler from
// the frame at the stack pointer of `context`. Returns the mask to restore.
base::Result<std::uint64_t> leave_handler(entry::KernelUcontext& context, AppSignalStack& stack);

}  // namespace cella::process
