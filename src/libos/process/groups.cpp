#include "groups.h"

#include <asm-generic/errno.h>

#include "libos/tty/pty.h"
#include "process_table.h"

namespace cella::process {

using base::Error;
using base::RefPtr;

namespace {

// Tree lock held: whether a process of `session` is in group `pgid`.
bool group_exists(int pgid, int session) {
    bool found = false;
    process_table().for_each_process([&](Process& process) {
        found |= process.pgid == pgid && process.sid == session && process.run_state != RunState::Zombie;
    });
    return found;
}

}  // namespace

base::Result<RefPtr<Process>> process_for_query(Process& caller, int pid) {
    if (pid < 0) return Error::from_errno(EINVAL);
    if (pid == 0 || pid == caller.pid()) return RefPtr<Process>(&caller);
    RefPtr<Process> found = process_table().find_process(pid);
    if (!found) return Error::from_errno(ESRCH);
    return found;
}

base::Result<void> set_process_group(Process& caller, int pid, int pgid) {
    if (pid < 0 || pgid < 0) return Error::from_errno(EINVAL);
    RefPtr<Process> target = TRY(process_for_query(caller, pid));
    if (pgid == 0) pgid = target->pid();
    base::ScopedLock guard(process_table().tree_lock());
    if (target.get() != &caller) {
        if (target->ppid() != caller.pid() || target->run_state == RunState::Zombie) return Error::from_errno(ESRCH);
        if (target->sid != caller.sid) return Error::from_errno(EPERM);
        if (target->has_execed) return Error::from_errno(EACCES);
    }
    if (target->sid == target->pid()) return Error::from_errno(EPERM);  // a session leader stays put
    if (pgid != target->pid() && !group_exists(pgid, caller.sid)) return Error::from_errno(EPERM);
    target->pgid = pgid;
    return {};
}

base::Result<int> new_session(Process& caller) {
    base::ScopedLock guard(process_table().tree_lock());
    bool leads_a_group = false;
    process_table().for_each_process([&](Process& process) { leads_a_group |= process.pgid == caller.pid(); });
    if (leads_a_group) return Error::from_errno(EPERM);
    caller.pgid = caller.sid = caller.pid();
    caller.controlling_tty = nullptr;
    return caller.sid;
}

}  // namespace cella::process
