#include "enclave.h"

#include <asm/signal.h>

#include <cstring>

#include "asm_symbols.h"
#include "fast_syscall.h"
#include "host_signals.h"
#include "libos/base/format.h"
#include "libos/host/host.h"
#include "libos/mm/heap.h"
#include "libos/fs/imagefs/imagefs.h"
#include "libos/rewrite/syscall_sites.h"
#include "signal_handlers.h"
#include "text_range.h"

namespace cella::entry {
namespace {

constexpr int kHandledSignals[] = {SIGSYS, SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, kKickSignal};
constexpr std::size_t kHandledCount = sizeof kHandledSignals / sizeof kHandledSignals[0];
constexpr unsigned long kSaRestorer = 0x04000000;

struct HostState {
    abi::ExitRecord* exit_record;
    std::uint64_t fs_base;
    std::uint64_t gs_base;
    std::uint64_t signal_mask;
    host::KernelSigaction actions[kHandledCount];
};
HostState g_host;

struct KernelStack {
    void* sp;
    int flags;
    std::size_t size;
};

}  // namespace

void save_host_state(abi::ExitRecord* exit_record) {
    g_host.exit_record = exit_record;
    g_host.fs_base = host::fs_base();
    g_host.gs_base = host::gs_base();
    (void)host::sigprocmask(SIG_BLOCK, nullptr, &g_host.signal_mask);
}

void install_signal_handlers() {
    // While the LibOS serves a syscall, asynchronous signals wait. Faults
    // must not be blocked, or the kernel would kill the process outright
    // instead of letting the fault handler turn a bad pointer into EFAULT;
    // kicks must not be, so a blocking call in the LibOS can be cut short.
    std::uint64_t blocked = ~(kSynchronousSignals | host_signal_bit(kKickSignal));
    for (std::size_t i = 0; i < kHandledCount; ++i) {
        int signal = kHandledSignals[i];
        host::KernelSigaction action{};
        action.handler = reinterpret_cast<void*>(signal == SIGSYS        ? &cella_sigsys_handler
                                                 : signal == kKickSignal ? &cella_kick_handler
                                                                         : &cella_fault_handler);
        action.flags = SA_SIGINFO | SA_ONSTACK | kSaRestorer;
        action.restorer = reinterpret_cast<void*>(&cella_signal_restorer);
        // The kick handler runs with everything but faults blocked.
        action.mask = signal == kKickSignal ? ~kSynchronousSignals : blocked;
        (void)host::sigaction(signal, &action, &g_host.actions[i]);
    }
}

void use_application_mask() { (void)host::sigprocmask(SIG_SETMASK, &kApplicationHostMask, nullptr); }

void enter_thread(ThreadCpu& cpu, bool allocate_altstack) {
    cpu.self = &cpu;
    if (host::set_gs_base(reinterpret_cast<std::uint64_t>(&cpu)).is_error()) CELLA_PANIC("cannot set %gs");
    if (allocate_altstack) {
        void* stack = mm::kernel_heap().allocate(kLibosStackAllocation);
        if (!stack) CELLA_PANIC("no LibOS heap for a signal stack");
        cpu.altstack_base = reinterpret_cast<std::uint64_t>(stack);
        cpu.altstack_size = kLibosSignalStackSize;
        KernelStack ss{stack, 0, kLibosSignalStackSize};
        if (host::sigaltstack(&ss, nullptr).is_error()) CELLA_PANIC("cannot set the LibOS signal stack");
    }
    setup_fast_entry(cpu);
    cpu.sud_selector = 0;
    if (host::syscall_dispatch_on(text_start(), text_end(), &cpu.sud_selector).is_error())
        CELLA_PANIC("Syscall User Dispatch is not available (Linux 5.11 or later is needed)");
}

void leave_enclave(int exit_code, int term_signal, const char* message) {
    abi::ExitRecord* record = g_host.exit_record;
    record->exit_code = exit_code;
    record->term_signal = term_signal;
    std::size_t n = message ? std::strlen(message) : 0;
    if (n >= sizeof record->message) n = sizeof record->message - 1;
    if (n) std::memcpy(record->message, message, n);
    record->message[n] = '\0';

    rewrite::log_stats();
    fs::imagefs::log_stats();
    (void)host::syscall_dispatch_off();
    for (std::size_t i = 0; i < kHandledCount; ++i)
        (void)host::sigaction(kHandledSignals[i], &g_host.actions[i], nullptr);
    (void)host::set_gs_base(g_host.gs_base);
    (void)host::sigprocmask(SIG_SETMASK, &g_host.signal_mask, nullptr);
    // Last: from here on %fs is the host's again, as its libc expects.
    (void)host::set_fs_base(g_host.fs_base);
    cella_return_to_host();
}

}  // namespace cella::entry
