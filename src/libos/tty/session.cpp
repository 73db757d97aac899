#include "session.h"

#include <asm-generic/errno.h>

#include "libos/base/vector.h"
#include "libos/process/current.h"
#include "libos/process/kill.h"
#include "libos/process/process_table.h"
#include "libos/process/signals.h"

namespace cella::tty {
namespace {

using base::Error;
using process::Process;
using process::process_table;

constexpr int kSighup = 1, kSigcont = 18, kSigttin = 21;
constexpr int kCapSysAdmin = 21;

bool is_session_leader(const Process& process) { return process.sid == process.pid(); }

// Tree lock held. Every process of `session` whose terminal is `pty` drops it.
void clear_session(int session, Pty& pty) {
    process_table().for_each_process([&](Process& process) {
        if (process.sid == session && process.controlling_tty.get() == &pty) process.controlling_tty = nullptr;
    });
}

// Tree lock held.
void attach(Process& caller, Pty& pty) {
    pty.set_session(caller.sid);
    pty.set_foreground_group(caller.pgid);
    caller.controlling_tty = RefPtr<Pty>(&pty);
}

}  // namespace

void acquire_on_open(Process& caller, Pty& pty) {
    base::ScopedLock guard(process_table().tree_lock());
    if (is_session_leader(caller) && !caller.controlling_tty && !pty.session() && !pty.hung_up()) attach(caller, pty);
}

Result<void> make_controlling(Process& caller, Pty& pty, bool steal, bool readable) {
    bool admin = caller.credentials.has_capability(kCapSysAdmin);
    base::ScopedLock guard(process_table().tree_lock());
    if (is_session_leader(caller) && pty.session() == caller.sid) return {};
    if (!is_session_leader(caller) || caller.controlling_tty) return Error::from_errno(EPERM);
    if (int owner = pty.session()) {
        if (!steal || !admin) return Error::from_errno(EPERM);
        clear_session(owner, pty);
    }
    if (!readable && !admin) return Error::from_errno(EPERM);
    attach(caller, pty);
    return {};
}

Result<void> give_up_controlling(Process& caller, Pty& pty) {
    int group = 0;
    {
        base::ScopedLock guard(process_table().tree_lock());
        if (caller.controlling_tty.get() != &pty) return Error::from_errno(ENOTTY);
        if (!is_session_leader(caller)) {
            caller.controlling_tty = nullptr;
            return {};
        }
        // The leader's disassociate_ctty: the session loses the terminal.
        group = pty.foreground_group();
        clear_session(caller.sid, pty);
        pty.set_session(0);
        pty.set_foreground_group(0);
    }
    if (group) {
        process::signal_group_from_kernel(group, kSighup);
        process::signal_group_from_kernel(group, kSigcont);
    }
    return {};
}

Result<int> foreground_group_of(Process& caller, Pty& pty, bool master_side) {
    base::ScopedLock guard(process_table().tree_lock());
    if (!master_side && caller.controlling_tty.get() != &pty) return Error::from_errno(ENOTTY);
    return pty.foreground_group();
}

Result<int> session_of(Process& caller, Pty& pty, bool master_side) {
    base::ScopedLock guard(process_table().tree_lock());
    if (!master_side && caller.controlling_tty.get() != &pty) return Error::from_errno(ENOTTY);
    if (!pty.session()) return Error::from_errno(ENOTTY);
    return pty.session();
}

Result<void> set_foreground_group(Process& caller, Pty& pty, int pgid) {
    if (pgid < 0) return Error::from_errno(EINVAL);
    base::ScopedLock guard(process_table().tree_lock());
    if (caller.controlling_tty.get() != &pty || pty.session() != caller.sid) return Error::from_errno(ENOTTY);
    bool exists = false, same_session = false;
    process_table().for_each_process([&](Process& process) {
        if (process.pgid != pgid || process.run_state == process::RunState::Zombie) return;
        exists = true;
        same_session |= process.sid == caller.sid;
    });
    if (!exists) return Error::from_errno(ESRCH);
    if (!same_session) return Error::from_errno(EPERM);
    pty.set_foreground_group(pgid);
    return {};
}

// Tree lock held. Whether `pgid` is orphaned: no member has a parent in
// another group of the same session (will_become_orphaned_pgrp).
bool orphaned(int pgid, int session) {
    base::Vector<int> parents;
    bool listed = true;
    process_table().for_each_process([&](Process& process) {
        if (process.pgid == pgid && process.run_state != process::RunState::Zombie)
            listed &= !parents.try_append(process.ppid()).is_error();
    });
    if (!listed) return false;
    for (int ppid : parents) {
        RefPtr<Process> parent = process_table().find_process(ppid);
        if (parent && parent->pgid != pgid && parent->sid == session) return false;
    }
    return true;
}

Result<void> check_foreground(Process& caller, Pty& pty, int signo) {
    // Without the tree lock first, as this is on every read: a terminal of
    // another session, or the caller in its foreground, passes.
    if (pty.session() != caller.sid || pty.foreground_group() == __atomic_load_n(&caller.pgid, __ATOMIC_RELAXED))
        return {};
    bool orphan;
    {
        base::ScopedLock guard(process_table().tree_lock());
        if (caller.controlling_tty.get() != &pty) return {};
        int foreground = pty.foreground_group();
        if (!foreground || foreground == caller.pgid) return {};
        orphan = orphaned(caller.pgid, caller.sid);
    }
    bool ignored;
    {
        process::Thread& thread = process::current_thread();
        base::ScopedLock guard(caller.signal_lock());
        ignored = (thread.signal_mask & (std::uint64_t{1} << (signo - 1))) ||
                  caller.signal_actions()[signo - 1].handler == 1 /* SIG_IGN */;
    }
    if (ignored) return signo == kSigttin ? Error::from_errno(EIO) : Result<void>();
    if (orphan) return Error::from_errno(EIO);
    process::signal_group_from_kernel(caller.pgid, signo);
    return Error::from_errno(static_cast<int>(process::kRestartSys));
}

RefPtr<Pty> controlling_terminal(Process& caller) {
    base::ScopedLock guard(process_table().tree_lock());
    return caller.controlling_tty;
}

void session_leader_exited(Process& process) {
    // Most processes lead no session; an exiting one's sid no longer changes.
    if (!is_session_leader(process)) return;
    int group = 0;
    {
        base::ScopedLock guard(process_table().tree_lock());
        if (!is_session_leader(process) || !process.controlling_tty) return;
        RefPtr<Pty> pty = process.controlling_tty;
        if (pty->session() == process.sid) {
            group = pty->foreground_group();
            pty->set_session(0);
            pty->set_foreground_group(0);
        }
        clear_session(process.sid, *pty);
    }
    if (group) process::signal_group_from_kernel(group, kSighup);
}

void hang_up(Pty& pty) {
    RefPtr<Process> leader;
    {
        base::ScopedLock guard(process_table().tree_lock());
        int session = pty.session();
        process_table().for_each_process([&](Process& process) {
            if (process.controlling_tty.get() == &pty) process.controlling_tty = nullptr;
            if (session && process.pid() == session && process.run_state != process::RunState::Zombie)
                leader = RefPtr<Process>(&process);
        });
        pty.set_session(0);
        pty.set_foreground_group(0);
    }
    if (leader) {
        (void)process::send_to_process(*leader, process::make_siginfo(kSighup, process::kSiKernel));
        (void)process::send_to_process(*leader, process::make_siginfo(kSigcont, process::kSiKernel));
    }
}

}  // namespace cella::tty
