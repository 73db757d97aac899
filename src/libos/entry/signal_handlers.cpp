#include "signal_handlers.h"

#include <asm/signal.h>

#include "asm_symbols.h"
#include "cpu.h"
#include "enclave.h"
#include "libos/base/format.h"
#include "libos/host/host.h"
#include "libos/process/process.h"
#include "libos/process/signal_defaults.h"
#include "libos/runtime/log.h"
#include "libos/syscall/syscall.h"
#include "signal_types.h"
#include "text_range.h"

namespace {

using cella::entry::KernelSiginfo;
using cella::entry::KernelUcontext;

}  // namespace

extern "C" void cella_sigsys_handler(int, void* raw_info, void* raw_context) {
    auto* info = static_cast<KernelSiginfo*>(raw_info);
    auto* context = static_cast<KernelUcontext*>(raw_context);
    auto& regs = context->uc_mcontext;
    if (info->si_code != cella::entry::kSysUserDispatch) {
        // A real SIGSYS (seccomp on the host): the application cannot go on.
        char message[160];
        cella::base::format_to(message, sizeof message, "program killed by SIGSYS (syscall %d) at rip 0x%lx",
                               info->sigsys.syscall, static_cast<unsigned long>(regs.rip));
        cella::entry::leave_enclave(0, SIGSYS, message);
    }
    cella::syscall::SyscallArgs args{info->sigsys.syscall,
                                     {regs.rdi, regs.rsi, regs.rdx, regs.r10, regs.r8, regs.r9},
                                     context};
    regs.rax = static_cast<std::uint64_t>(cella::syscall::dispatch(args));
}

extern "C" void cella_fault_handler(int signal, void* raw_info, void* raw_context) {
    auto* info = static_cast<KernelSiginfo*>(raw_info);
    auto* context = static_cast<KernelUcontext*>(raw_context);
    auto& regs = context->uc_mcontext;
    auto rip = static_cast<std::uint64_t>(regs.rip);
    auto fault_address = reinterpret_cast<std::uint64_t>(info->fault.addr);

    if (rip >= reinterpret_cast<std::uint64_t>(cella_user_access_begin) &&
        rip < reinterpret_cast<std::uint64_t>(cella_user_access_end)) {
        regs.rip = reinterpret_cast<std::uint64_t>(&cella_user_access_fixup);
        return;
    }
    char message[200];
    if (cella::entry::in_libos_text(rip)) {
        cella::log::error("LibOS crashed: %s at address 0x%lx (libos.so+0x%lx)", cella::process::signal_name(signal),
                          static_cast<unsigned long>(fault_address),
                          static_cast<unsigned long>(rip - cella::entry::load_base()));
        cella::host::exit_group(70);
    }
    // A fault in application code. Until signal delivery exists, it ends
    // the process, as an unhandled fault does on Linux.
    cella::process::Thread* thread = cella::entry::current_cpu()->thread;
    cella::base::format_to(message, sizeof message, "program terminated by %s at address 0x%lx (rip 0x%lx, thread %d)",
                           cella::process::signal_name(signal), static_cast<unsigned long>(fault_address),
                           static_cast<unsigned long>(rip), thread ? thread->tid() : 0);
    cella::entry::leave_enclave(0, signal, message);
}
