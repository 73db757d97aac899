#include "signal_handlers.h"

#include <asm/signal.h>

#include "asm_symbols.h"
#include "cpu.h"
#include "enclave.h"
#include "fast_syscall.h"
#include "libos/base/format.h"
#include "libos/host/host.h"
#include "libos/mm/fault.h"
#include "libos/process/process.h"
#include "libos/process/signal_defaults.h"
#include "libos/process/signals.h"
#include "libos/rewrite/syscall_sites.h"
#include "libos/runtime/log.h"
#include "libos/syscall/syscall.h"
#include "signal_types.h"
#include "text_range.h"

namespace {

using cella::entry::KernelSiginfo;
using cella::entry::KernelUcontext;

std::uint64_t address_of(void (*function)()) { return reinterpret_cast<std::uint64_t>(function); }

}  // namespace

extern "C" void cella_sigsys_handler(int, void* raw_info, void* raw_context) {
    auto* info = static_cast<KernelSiginfo*>(raw_info);
    auto* context = static_cast<KernelUcontext*>(raw_context);
    auto& regs = context->uc_mcontext;
    cella::process::Thread& thread = *cella::entry::current_cpu()->thread;
    if (info->si_code != cella::entry::kSysUserDispatch) {
        // A real SIGSYS (seccomp on the host): the application cannot go on.
        cella::process::AppSiginfo app = cella::process::make_siginfo(SIGSYS, info->si_code);
        cella::process::deliver_fault(thread, *context, app);
        return;
    }
    cella::entry::note_host_frame(*context);
    // The trapped `syscall` instruction ends where rip points.
    cella::rewrite::on_trap(static_cast<std::uint64_t>(regs.rip) - 2);
    cella::syscall::SyscallArgs args{info->sigsys.syscall,
                                     {regs.rdi, regs.rsi, regs.rdx, regs.r10, regs.r8, regs.r9},
                                     context};
    long result = cella::syscall::dispatch(args);
    // rt_sigreturn rewrote the whole context, rax included.
    if (!args.context_replaced) regs.rax = static_cast<std::uint64_t>(result);
    cella::process::return_to_user(thread, *context, args.context_replaced ? -1 : args.nr);
}

extern "C" void cella_kick_handler(int, void*, void* raw_context) {
    auto* context = static_cast<KernelUcontext*>(raw_context);
    auto& regs = context->uc_mcontext;
    auto rip = static_cast<std::uint64_t>(regs.rip);
    cella::entry::ThreadCpu* cpu = cella::entry::current_cpu();
    // About to block: do not, the flag was set after it was checked.
    if (rip >= reinterpret_cast<std::uint64_t>(cella_blocking_window_begin) &&
        rip <= reinterpret_cast<std::uint64_t>(cella_blocking_window_end)) {
        regs.rip = address_of(&cella_blocking_interrupted);
        return;
    }
    // On the direct entry's way back, after it looked at the flag: look again.
    if (cella::entry::in_fast_exit_window(rip)) {
        regs.rip = reinterpret_cast<std::uint64_t>(cella_fast_exit_window_begin);
        return;
    }
    // In the restorer, after it looked at the flag: look again.
    if (rip >= reinterpret_cast<std::uint64_t>(cella_signal_exit_window_begin) &&
        rip <= reinterpret_cast<std::uint64_t>(cella_signal_exit_window_last)) {
        regs.rip = reinterpret_cast<std::uint64_t>(cella_signal_exit_window_begin);
        return;
    }
    // Inside the LibOS the flag is looked at on the way back to the
    // application; a blocking host call was interrupted by this kick.
    if (cella::entry::in_libos_text(rip) || !cpu->thread) return;
    cella::process::return_to_user(*cpu->thread, *context, -1);
}

// The restorer found the flag set on its way to `raw_context`: deliver
// now if that is application code. False when it is LibOS code, which
// looks at the flag itself.
extern "C" bool cella_signal_exit_interrupted(void* raw_context) {
    auto* context = static_cast<KernelUcontext*>(raw_context);
    cella::entry::ThreadCpu* cpu = cella::entry::current_cpu();
    if (cella::entry::in_libos_text(static_cast<std::uint64_t>(context->uc_mcontext.rip)) || !cpu->thread) return false;
    cella::process::return_to_user(*cpu->thread, *context, -1);
    return true;
}

extern "C" void cella_fault_handler(int signal, void* raw_info, void* raw_context) {
    auto* info = static_cast<KernelSiginfo*>(raw_info);
    auto* context = static_cast<KernelUcontext*>(raw_context);
    auto& regs = context->uc_mcontext;
    auto rip = static_cast<std::uint64_t>(regs.rip);
    auto fault_address = reinterpret_cast<std::uint64_t>(info->fault.addr);

    if (rip >= reinterpret_cast<std::uint64_t>(cella_user_access_begin) &&
        rip < reinterpret_cast<std::uint64_t>(cella_user_access_end)) {
        regs.rip = address_of(&cella_user_access_fixup);
        return;
    }
    cella::entry::ThreadCpu* cpu = cella::entry::current_cpu();
    if (cella::entry::in_libos_text(rip) || !cpu->thread) {
        cella::log::error("LibOS crashed: %s at address 0x%lx (libos.so+0x%lx)", cella::process::signal_name(signal),
                          static_cast<unsigned long>(fault_address),
                          static_cast<unsigned long>(rip - cella::entry::load_base()));
        cella::host::exit_group(70);
    }
    // A thread met the breakpoint of a syscall site being rewritten: it
    // runs the site again once the jump is whole.
    if (signal == SIGTRAP) {
        if (std::uint64_t resume = cella::rewrite::breakpoint_resume(rip)) {
            regs.rip = resume;
            return;
        }
    }
    // A fault the memory map resolves itself (a lazy fill, a growsdown stack).
    int code = info->si_code;
    if (signal == SIGSEGV) {
        switch (cella::mm::handle_fault(cpu->thread->process(), fault_address, regs.err & 2)) {
        case cella::mm::FaultOutcome::Resolved: return;
        case cella::mm::FaultOutcome::Unreadable:
            signal = SIGBUS;
            code = 2;  // BUS_ADRERR
            break;
        case cella::mm::FaultOutcome::Application: break;
        }
    }
    // A fault in application code: its handler runs, or the process dies.
    if (signal == SIGSEGV && (code == 1 || code == 2)) code = cella::mm::segv_code(cpu->thread->process(), fault_address);
    cella::process::AppSiginfo app = cella::process::fault_siginfo(signal, code, fault_address);
    if (signal == SIGTRAP || signal == SIGILL || signal == SIGFPE) app.put<std::uint64_t>(16, fault_address ? fault_address : rip);
    cella::process::deliver_fault(*cpu->thread, *context, app);
}
