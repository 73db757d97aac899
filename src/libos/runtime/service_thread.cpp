#include "service_thread.h"

#include <asm/signal.h>
#include <linux/sched.h>

#include "libos/entry/asm_symbols.h"
#include "libos/entry/cpu.h"
#include "libos/entry/host_signals.h"
#include "libos/host/host.h"
#include "libos/mm/heap.h"
#include "libos/process/process_table.h"
#include "libos/process/signals.h"
#include "libos/time/timers.h"
#include "log.h"

namespace cella::runtime {
namespace {

constexpr std::size_t kStackSize = 64 * 1024;
constexpr std::uint64_t kCloneFlags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
                                      CLONE_SYSVSEM | CLONE_CHILD_CLEARTID;

using entry::host_signal_bit;

// Signals from outside that reach the application as its own.
constexpr int kForwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT};

entry::ThreadCpu g_cpu;
int g_host_tid = 0;
volatile bool g_stop = false;

std::uint64_t waited_set() {
    std::uint64_t set = host_signal_bit(entry::kServiceWakeSignal);
    for (int signal : kForwarded) set |= host_signal_bit(signal);
    return set;
}

void forward(int signal) {
    // The first process stands for the foreground until process groups exist.
    base::RefPtr<process::Process> target = process::process_table().find_process(1);
    if (!target) return;
    log::debug("host signal %d forwarded to pid 1", signal);
    (void)process::send_to_process(*target, process::kill_siginfo(signal, process::kSiUser, 0));
}

void service_main(void*) {
    g_cpu.self = &g_cpu;
    (void)host::set_gs_base(reinterpret_cast<std::uint64_t>(&g_cpu));
    std::uint64_t set = waited_set();
    std::uint8_t info[128];
    while (!g_stop) {
        std::int64_t next = time::fire_due_timers();
        long signal = host::wait_for_signal(set, info, next);
        if (signal > 0 && signal != entry::kServiceWakeSignal) forward(static_cast<int>(signal));
    }
    host::exit_thread();
}

}  // namespace

int start_service_thread() {
    void* stack = mm::kernel_heap().allocate(kStackSize);
    if (!stack) CELLA_PANIC("no LibOS heap for the service thread");
    g_cpu.host_thread_alive = 1;
    // The thread takes its signals with sigtimedwait, so it must start with
    // all of them blocked: it inherits the mask in effect at clone.
    std::uint64_t all = ~entry::kSynchronousSignals, old = 0;
    (void)host::sigprocmask(SIG_SETMASK, &all, &old);
    long tid = cella_host_clone(kCloneFlags, static_cast<char*>(stack) + kStackSize, &g_cpu.host_thread_alive,
                                &service_main, nullptr);
    (void)host::sigprocmask(SIG_SETMASK, &old, nullptr);
    if (tid < 0) {
        mm::kernel_heap().deallocate(stack);
        g_cpu.host_thread_alive = 0;
        return static_cast<int>(-tid);
    }
    g_host_tid = static_cast<int>(tid);
    return 0;
}

void wake_service_thread() {
    if (g_host_tid) host::raw_signal_thread(g_host_tid, entry::kServiceWakeSignal);
}

void stop_service_thread() {
    if (!g_host_tid) return;
    g_stop = true;
    host::raw_signal_thread(g_host_tid, entry::kServiceWakeSignal);
    host::wait_for_thread_exit(&g_cpu.host_thread_alive);
    g_host_tid = 0;
}

}  // namespace cella::runtime
