#include "spawn.h"

#include <asm-generic/errno.h>
#include <linux/futex.h>
#include <linux/sched.h>

#include "children.h"
#include "libos/host/host.h"
#include "libos/mm/fork_snapshot.h"
#include "process_table.h"
#include "signals.h"

namespace cella::process {
namespace {

using base::Error;
using base::RefPtr;

Result<RefPtr<Process>> make_child(Process& parent, int pid, int exit_signal) {
    auto child = TRY(base::make_ref<Process>(pid, parent.pid()));
    TRY(child->inherit_from(parent));
    child->exit_signal = exit_signal;
    TRY(child->fds().copy_from(parent.fds()));
    return child;
}

// Linux's wait_for_vfork_done: signals to the parent wait until the child
// lets go of the memory; only the parent's own end (SIGKILL, exit_group of
// another thread) cuts the wait short.
void wait_for_release(Thread& thread, Process& child, bool even_when_exiting) {
    Process& process = thread.process();
    bool deferred = false;
    while (__atomic_load_n(&child.vfork_pending, __ATOMIC_ACQUIRE)) {
        long result = host::futex(&child.vfork_pending, FUTEX_WAIT_PRIVATE, 1, nullptr, nullptr, 0);
        if (result != -EINTR) continue;
        base::ScopedLock guard(process.signal_lock());
        if (process.exiting && !even_when_exiting) break;
        thread.cpu().interrupt_requested = 0;
        deferred = true;
    }
    if (deferred) interrupt(thread);
}

}  // namespace

base::Result<int> spawn_process(Thread& parent_thread, const entry::KernelUcontext& context,
                                const CloneRequest& request, base::OwnPtr<mm::MemorySnapshot> fork_snapshot) {
    Process& parent = parent_thread.process();
    int pid = process_table().allocate_id();
    RefPtr<Process> child = TRY(make_child(parent, pid, static_cast<int>(request.flags & CSIGNAL)));
    bool forked = static_cast<bool>(fork_snapshot);
    child->fork_snapshot = static_cast<base::OwnPtr<mm::MemorySnapshot>&&>(fork_snapshot);
    bool vfork = forked || (request.flags & CLONE_VFORK);
    if (vfork) child->vfork_pending = 1;
    TRY(process_table().add_process(child));
    if (auto adopted = adopt_child(parent, child); adopted.is_error()) {
        process_table().remove_process(pid);
        return adopted.error();
    }
    if (auto started = start_thread(parent_thread, *child, pid, context, request); started.is_error()) {
        forget_child(parent, *child);
        return started.error();
    }
    if (vfork) wait_for_release(parent_thread, *child, forked);
    return pid;
}

void release_vfork_parent(Process& child) {
    if (!__atomic_exchange_n(&child.vfork_pending, 0, __ATOMIC_ACQ_REL)) return;
    host::futex_wake(&child.vfork_pending, 1);
}

}  // namespace cella::process
