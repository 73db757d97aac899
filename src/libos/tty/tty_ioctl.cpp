// The terminal requests of a pseudo-terminal's ends (Linux's tty_ioctl,
// n_tty_ioctl and the pty driver's own). Settings asked through the
// master act on the slave, as Linux's tty_pair_get_tty does.
#include <asm-generic/errno.h>
#include <asm/ioctls.h>
#include <linux/fcntl.h>

#include "devpts.h"
#include "libos/mm/user_memory.h"
#include "libos/process/current.h"
#include "libos/process/kill.h"
#include "pty_file.h"
#include "session.h"

namespace cella::tty {
namespace {

using base::Error;

constexpr int kSigwinch = 28, kSigttou = 22;

Result<long> get_termios(Pty& pty, std::uint64_t arg, bool with_speeds) {
    KernelTermios t = pty.termios();
    if (!with_speeds) {
        TRY(mm::write_user(arg, t));
        return 0;
    }
    KernelTermios2 t2{t, baud_of(t.cflag), baud_of(t.cflag)};
    TRY(mm::write_user(arg, t2));
    return 0;
}

Result<long> set_termios(Pty& pty, std::uint64_t arg, bool with_speeds, bool flush_input) {
    KernelTermios t;
    if (with_speeds)
        t = TRY(mm::read_user<KernelTermios2>(arg)).base;
    else
        t = TRY(mm::read_user<KernelTermios>(arg));
    pty.set_termios(t, flush_input);
    return 0;
}

Result<long> set_winsize(Pty& pty, std::uint64_t arg) {
    Winsize size = TRY(mm::read_user<Winsize>(arg));
    if (pty.set_winsize(size)) {
        if (int group = pty.foreground_group()) process::signal_group_from_kernel(group, kSigwinch);
    }
    return 0;
}

Result<long> put_int(std::uint64_t arg, int value) {
    TRY(mm::write_user(arg, value));
    return 0;
}

// TIOCGPTPEER: the slave, opened from the master without a path lookup.
Result<long> open_peer(Pty& pty, int flags) {
    if (flags & ~(O_ACCMODE | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)) return Error::from_errno(EINVAL);
    RefPtr<fs::Inode> node = TRY(slave_node(RefPtr<Pty>(&pty)));
    RefPtr<fs::OpenFile> file = TRY(open_slave(RefPtr<Pty>(&pty), node, flags));
    return TRY(process::current_process().fds().install(file, flags & O_CLOEXEC));
}

// Requests only the master answers (pty_unix98_ioctl).
Result<long> master_ioctl(Pty& pty, unsigned long request, std::uint64_t arg) {
    switch (request) {
    case TIOCGPTN: return put_int(arg, pty.index());
    case TIOCSPTLCK:
        pty.set_locked(TRY(mm::read_user<int>(arg)) != 0);
        return 0;
    case TIOCGPTLCK: return put_int(arg, pty.locked() ? 1 : 0);
    case TIOCGPTPEER: return open_peer(pty, static_cast<int>(arg));
    case TIOCPKT:
        pty.set_packet_mode(TRY(mm::read_user<int>(arg)) != 0);
        return 0;
    case TIOCGPKT: return put_int(arg, pty.packet_mode() ? 1 : 0);
    case TIOCSIG: {
        int signo = static_cast<int>(arg);
        if (signo <= 0 || signo >= 65) return Error::from_errno(EINVAL);
        if (int group = pty.foreground_group()) process::signal_group_from_kernel(group, signo);
        return 0;
    }
    default: return Error::from_errno(ENOTTY);
    }
}

}  // namespace

Result<long> PtyFile::ioctl(unsigned long request, std::uint64_t arg) {
    Pty& pty = *pty_;
    // A hung-up slave fails every request (hung_up_tty_ioctl).
    if (!master_ && pty.hung_up()) return Error::from_errno(request == TIOCSPGRP ? ENOTTY : EIO);
    process::Process& caller = process::current_process();
    // Changes from a background group stop it first (tty_check_change);
    // TIOCSPGRP says ENOTTY where the others say EIO.
    switch (request) {
    case TCSETS:
    case TCSETSW:
    case TCSETSF:
    case kTcsets2:
    case kTcsetsw2:
    case kTcsetsf2:
    case TCFLSH:
    case TCXONC:
    case TCSBRK:
    case TCSBRKP:
    case TIOCSETD:
    case TIOCSPGRP: {
        auto allowed = check_foreground(caller, pty, kSigttou);
        if (allowed.is_error() && allowed.error().code() == EIO && request == TIOCSPGRP)
            return Error::from_errno(ENOTTY);
        TRY(allowed);
        break;
    }
    default: break;
    }
    switch (request) {
    case TCGETS: return get_termios(pty, arg, false);
    case kTcgets2: return get_termios(pty, arg, true);
    case TCSETS:
    case TCSETSW: return set_termios(pty, arg, false, false);
    case TCSETSF: return set_termios(pty, arg, false, true);
    case kTcsets2:
    case kTcsetsw2: return set_termios(pty, arg, true, false);
    case kTcsetsf2: return set_termios(pty, arg, true, true);
    case TIOCGWINSZ:
        TRY(mm::write_user(arg, pty.winsize()));
        return 0;
    case TIOCSWINSZ: return set_winsize(pty, arg);
    case FIONREAD: return put_int(arg, static_cast<int>(pty.readable_bytes(master_)));
    // Nothing waits in a pty's driver: what the master has not read is
    // its input, so Linux's pty_chars_in_buffer says 0, and so does this.
    case TIOCOUTQ: return put_int(arg, 0);
    case TCFLSH: {
        int queue = static_cast<int>(arg);
        if (queue < 0 || queue > 2) return Error::from_errno(EINVAL);
        pty.flush(master_, queue);
        return 0;
    }
    case TCXONC: {
        int action = static_cast<int>(arg);
        if (action < 0 || action > 3) return Error::from_errno(EINVAL);
        // The master's own output is never held back.
        if (!master_) pty.flow(action);
        return 0;
    }
    // tcdrain and tcsendbreak: output leaves at once and a pty has no line to break.
    case TCSBRK:
    case TCSBRKP:
    case TIOCSBRK:
    case TIOCCBRK: return 0;
    case TIOCGETD: return put_int(arg, 0);  // N_TTY
    case TIOCSETD:
        if (TRY(mm::read_user<int>(arg)) != 0) return Error::from_errno(EINVAL);
        return 0;
    case TIOCSCTTY:
        TRY(make_controlling(caller, pty, arg == 1, readable()));
        return 0;
    case TIOCNOTTY:
        if (master_) return Error::from_errno(ENOTTY);
        TRY(give_up_controlling(caller, pty));
        return 0;
    case TIOCGPGRP: return put_int(arg, TRY(foreground_group_of(caller, pty, master_)));
    case TIOCSPGRP:
        TRY(set_foreground_group(caller, pty, TRY(mm::read_user<int>(arg))));
        return 0;
    case TIOCGSID: return put_int(arg, TRY(session_of(caller, pty, master_)));
    default:
        if (master_) return master_ioctl(pty, request, arg);
        return Error::from_errno(ENOTTY);
    }
}

}  // namespace cella::tty
