#include "execve.h"

#include <asm/signal.h>

#include <cstring>

#include "libos/fs/vfs.h"
#include "libos/host/host.h"
#include "libos/runtime/log.h"
#include "libos/time/timers.h"
#include "lifecycle.h"
#include "signal_frame.h"
#include "signals.h"
#include "spawn.h"
#include "threads.h"

namespace cella::process {
namespace {

constexpr std::uint64_t kIgnoreHandler = 1;

// Linux's de_thread: every other thread of the process ends first.
void end_other_threads(Thread& self) {
    Process& process = self.process();
    if (process.thread_count() == 1) return;
    {
        base::ScopedLock guard(process.signal_lock());
        process.exiting = true;
    }
    interrupt_others(process, &self);
    while (process.thread_count() > 1) host::sched_yield();
    base::ScopedLock guard(process.signal_lock());
    process.exiting = false;
    self.cpu().interrupt_requested = 0;
}

void reset_signals(Thread& self) {
    Process& process = self.process();
    base::ScopedLock guard(process.signal_lock());
    for (int signal = 1; signal <= kMaxSignal; ++signal) {
        SignalAction& action = process.signal_actions()[signal - 1];
        if (action.handler != kIgnoreHandler) action = SignalAction{};
        else action.flags = action.mask = action.restorer = 0;
    }
    self.signal_stack = AppSignalStack{};
    self.restore_mask_after_handler = false;
}

// The register state Linux gives a new program: everything zero but the
// entry, the stack and the flags; a fresh FPU.
void start_program(entry::KernelUcontext& context, const StartState& start) {
    entry::KernelMcontext& regs = context.uc_mcontext;
    auto cs = regs.cs;
    auto ss = regs.ss;
    auto fpstate = regs.fpstate;
    std::memset(&regs, 0, sizeof regs);
    regs.cs = cs;
    regs.ss = ss;
    regs.fpstate = fpstate;
    regs.rip = start.entry;
    regs.rsp = start.stack_pointer;
    regs.eflags = 0x202;
    if (fpstate) {
        auto* fp = reinterpret_cast<std::uint8_t*>(fpstate);
        const std::uint16_t fcw = 0x37f;
        const std::uint32_t mxcsr = 0x1f80;
        std::size_t size = fpstate_size(fp);
        // The legacy area up to the software-reserved bytes, which tell the
        // host this is an XSAVE frame and must stay.
        std::memset(fp, 0, 464);
        std::memcpy(fp, &fcw, sizeof fcw);
        std::memcpy(fp + 24, &mxcsr, sizeof mxcsr);
        if (size > 512 + 64) std::memset(fp + 512, 0, 8);  // XSTATE_BV: every component initial
    }
    (void)host::set_fs_base(0);
}

}  // namespace

base::Result<void> execute(Thread& thread, entry::KernelUcontext& context, ExecRequest request) {
    Process& process = thread.process();
    // A missing program fails the call before the other threads are ended.
    TRY(fs::vfs().resolve_in(process.root(), process.cwd().view(), request.path.view(), true));
    char why[200] = {};
    end_other_threads(thread);
    bool committed = false;
    auto started = exec(process, static_cast<ExecRequest&&>(request), why, sizeof why, &committed);
    if (started.is_error()) {
        if (!committed) return started.error();
        log::error("exec failed after the old program was gone: %s", why[0] ? why : "out of memory");
        kill_process(process, SIGSEGV);
    }
    // Marked before the parent goes on: its setpgid on us must see EACCES.
    process.has_execed = true;
    release_vfork_parent(process);
    process.fds().close_on_exec();
    reset_signals(thread);
    time::remove_timers(process);
    thread.robust_list = 0;
    thread.clear_child_tid = 0;
    start_program(context, started.value());
    return {};
}

}  // namespace cella::process
