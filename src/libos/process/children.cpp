#include "children.h"

#include <asm-generic/errno.h>
#include <asm/signal.h>

#include "libos/runtime/log.h"
#include "libos/time/cpu_clocks.h"
#include "process_table.h"
#include "signals.h"

namespace cella::process {
namespace {

using base::Error;
using base::RefPtr;

constexpr std::uint64_t kIgnoreHandler = 1;
constexpr unsigned long kSaNoChildStop = 1;  // SA_NOCLDSTOP
constexpr unsigned long kSaNoChildWait = 2;  // SA_NOCLDWAIT
constexpr int kInitPid = 1;

SignalAction child_action(Process& parent) {
    base::ScopedLock guard(parent.signal_lock());
    return parent.signal_actions()[SIGCHLD - 1];
}

// A "clone child" in Linux's sense: one that does not signal SIGCHLD.
bool wanted_kind(const Process& child, int options) {
    if (options & kWaitAll) return true;
    bool clone_child = child.exit_signal != SIGCHLD;
    return clone_child == ((options & kWaitClone) != 0);
}

bool matches(const Process& child, const WaitRequest& request) {
    if (!wanted_kind(child, request.options)) return false;
    switch (request.which) {
    case WaitRequest::Which::Any: return true;
    case WaitRequest::Which::Pid: return child.pid() == request.id;
    case WaitRequest::Which::Group: return child.pgid == request.id;
    }
    return false;
}

// Tree lock held. Drops the zombie at `index` from `parent`'s children and the table.
void reap_locked(Process& parent, std::size_t index) {
    RefPtr<Process> child = parent.children[index];
    parent.reaped_children_cpu_ns += child->exit_cpu_ns + child->reaped_children_cpu_ns;
    parent.reaped_children_system_ns += child->exit_system_ns + child->reaped_children_system_ns;
    parent.io.add(child->io);
    parent.children.remove(index);
    process_table().remove_process(child->pid());
}

// Tree lock held. The same for `child`, found among `parent`'s children.
void reap_child_locked(Process& parent, const Process& child) {
    for (std::size_t i = 0; i < parent.children.size(); ++i) {
        if (parent.children[i].get() != &child) continue;
        reap_locked(parent, i);
        return;
    }
}

WaitOutcome exit_outcome(const Process& child) {
    WaitOutcome out;
    out.pid = child.pid();
    out.status = child.wait_status;
    int signal = child.wait_status & 0x7f;
    out.code = signal ? kCldKilled : kCldExited;
    out.si_status = signal ? signal : (child.wait_status >> 8) & 0xff;
    out.cpu_ns = child.exit_cpu_ns + child.reaped_children_cpu_ns;
    out.system_ns = child.exit_system_ns + child.reaped_children_system_ns;
    return out;
}

void notify_parent(Process& child, int signo, int code, int status) {
    RefPtr<Process> parent = process_table().find_process(child.ppid());
    if (!parent) return;
    if (signo) {
        bool quiet = code == kCldStopped || code == kCldContinued
                         ? (child_action(*parent).flags & kSaNoChildStop) != 0
                         : false;
        if (!quiet) {
            std::int64_t cpu = __atomic_load_n(&child.exit_cpu_ns, __ATOMIC_RELAXED);
            (void)send_to_process(*parent, child_siginfo(signo, code, child.pid(), status, time::clock_ticks_of(cpu)));
        }
    }
    parent->child_events.notify_all();
}

}  // namespace

base::Result<void> adopt_child(Process& parent, RefPtr<Process> child) {
    base::ScopedLock guard(process_table().tree_lock());
    child->set_ppid(parent.pid());
    return parent.children.try_append(static_cast<RefPtr<Process>&&>(child));
}

void forget_child(Process& parent, Process& child) {
    base::ScopedLock guard(process_table().tree_lock());
    reap_child_locked(parent, child);
}

void become_zombie(Process& process) {
    time::CpuTimes used = time::process_cpu_times(process);
    std::int64_t cpu = used.total();
    RefPtr<Process> init = process_table().find_process(kInitPid);
    RefPtr<Process> parent;
    bool init_has_zombie = false;
    {
        base::ScopedLock guard(process_table().tree_lock());
        process.exit_cpu_ns = cpu;
        process.exit_system_ns = used.system_ns;
        process.wait_status = process.term_signal ? (process.term_signal & 0x7f) : (process.exit_code & 0xff) << 8;
        process.run_state = RunState::Zombie;
        // Orphans go to pid 1, which reaps them when it waits.
        for (RefPtr<Process>& child : process.children) {
            child->set_ppid(kInitPid);
            init_has_zombie |= child->run_state == RunState::Zombie;
            if (init && init->children.try_append(child).is_error())
                log::warn("out of LibOS memory: process %d is not re-parented to pid 1", child->pid());
        }
        process.children.clear();
        parent = process_table().find_process(process.ppid());
        if (parent) {
            SignalAction action = child_action(*parent);
            bool reap_now = action.handler == kIgnoreHandler || (action.flags & kSaNoChildWait);
            if (reap_now) reap_child_locked(*parent, process);
        }
    }
    if (init_has_zombie && init) init->child_events.notify_all();
    process.exited.notify_all();
    if (!parent) return;
    int signal = process.term_signal;
    notify_parent(process, process.exit_signal, signal ? kCldKilled : kCldExited,
                  signal ? signal : process.exit_code & 0xff);
}

void report_stopped(Process& process, int signal) {
    {
        base::ScopedLock guard(process_table().tree_lock());
        if (process.run_state != RunState::Running) return;
        process.run_state = RunState::Stopped;
        process.wait_status = (signal << 8) | 0x7f;
        process.stop_unreported = true;
        process.continue_unreported = false;
    }
    notify_parent(process, SIGCHLD, kCldStopped, signal);
}

void report_continued(Process& process) {
    {
        base::ScopedLock guard(process_table().tree_lock());
        if (process.run_state != RunState::Stopped) return;
        process.run_state = RunState::Running;
        process.stop_unreported = false;
        process.continue_unreported = true;
    }
    notify_parent(process, SIGCHLD, kCldContinued, SIGCONT);
}

base::Result<WaitOutcome> wait_for_child(Process& self, const WaitRequest& request) {
    ipc::Waiter waiter;
    waiter.watch(self.child_events);
    int options = request.options;
    while (true) {
        {
            base::ScopedLock guard(process_table().tree_lock());
            bool any = false;
            for (std::size_t i = 0; i < self.children.size(); ++i) {
                Process& child = *self.children[i];
                if (!matches(child, request)) continue;
                any = true;
                if (child.run_state == RunState::Zombie) {
                    if (!(options & kWaitExited)) continue;
                    WaitOutcome out = exit_outcome(child);
                    if (!(options & kWaitNoWait)) reap_locked(self, i);
                    return out;
                }
                if (child.stop_unreported && (options & kWaitStopped)) {
                    if (!(options & kWaitNoWait)) child.stop_unreported = false;
                    return WaitOutcome{child.pid(), child.wait_status, kCldStopped, (child.wait_status >> 8) & 0xff,
                                       0};
                }
                if (child.continue_unreported && (options & kWaitContinued)) {
                    if (!(options & kWaitNoWait)) child.continue_unreported = false;
                    return WaitOutcome{child.pid(), 0xffff, kCldContinued, SIGCONT, 0};
                }
            }
            if (!any) return Error::from_errno(ECHILD);
            if (options & kWaitNoHang) return WaitOutcome{};
        }
        if (waiter.wait(-1) == ipc::WaitResult::Interrupted) return Error::from_errno(static_cast<int>(kRestartSys));
    }
}

time::CpuTimes reaped_children_cpu_times(Process& process) {
    base::ScopedLock guard(process_table().tree_lock());
    std::int64_t system = process.reaped_children_system_ns;
    std::int64_t total = process.reaped_children_cpu_ns;
    return time::CpuTimes{total > system ? total - system : 0, system};
}

}  // namespace cella::process
