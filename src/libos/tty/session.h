#pragma once
// A pseudo-terminal as a session's controlling terminal (Linux's
// tty_jobctrl.c): acquiring it (TIOCSCTTY, or opening the slave as a
// session leader without one), giving it up (TIOCNOTTY), its foreground
// process group (TIOCGPGRP/TIOCSPGRP), its session (TIOCGSID), and the
// hangup when the master goes. Processes and terminals are linked under
// the process table's tree lock.
#include "libos/base/result.h"
#include "pty.h"

namespace cella::process {
class Process;
}

namespace cella::tty {

// The open of a slave without O_NOCTTY, readable: a session leader with
// no controlling terminal takes this one if no session has it.
void acquire_on_open(process::Process& caller, Pty& pty);
// TIOCSCTTY; `steal` (arg 1) takes it from another session with CAP_SYS_ADMIN.
Result<void> make_controlling(process::Process& caller, Pty& pty, bool steal, bool readable);
// TIOCNOTTY through the slave.
Result<void> give_up_controlling(process::Process& caller, Pty& pty);
// TIOCGPGRP and TIOCGSID: through the slave only for the terminal's own
// session (ENOTTY otherwise); the master may always ask.
Result<int> foreground_group_of(process::Process& caller, Pty& pty, bool master_side);
Result<int> session_of(process::Process& caller, Pty& pty, bool master_side);
// TIOCSPGRP: a group of the caller's session, on its controlling terminal.
Result<void> set_foreground_group(process::Process& caller, Pty& pty, int pgid);
// Linux's __tty_check_change: a process of a background group that uses
// its controlling terminal (reads: SIGTTIN; writes under TOSTOP and
// changes of settings: SIGTTOU) stops its group with that signal, and
// the call restarts once it continues (ERESTARTSYS). An ignored or
// blocked SIGTTOU lets the call go on, an ignored SIGTTIN is EIO, and so
// is either in an orphaned group, which nothing would continue.
Result<void> check_foreground(process::Process& caller, Pty& pty, int signo);
// The caller's controlling terminal, or null (what /dev/tty opens).
RefPtr<Pty> controlling_terminal(process::Process& caller);
// A session leader's end (Linux's disassociate_ctty(1)): its foreground
// group gets SIGHUP and the session loses the terminal.
void session_leader_exited(process::Process& process);
// The master's last close: no process keeps the terminal, and the session
// leader gets SIGHUP and SIGCONT.
void hang_up(Pty& pty);

}  // namespace cella::tty
