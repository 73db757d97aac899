#pragma once
// A pseudo-terminal pair: the master (from /dev/ptmx) and the slave
// (/dev/pts/N) around one line discipline, as Linux's pty driver with
// n_tty. The master reads what the slave writes (after output
// processing) and the slave reads what the master writes (after line
// editing). Closing the master hangs the slave up; closing the last
// slave makes the master's reads fail with EIO once its queue is empty.
#include <cstdint>
#include <span>

#include "libos/base/lock.h"
#include "libos/base/own_ptr.h"
#include "libos/base/result.h"
#include "libos/fs/file_stat.h"
#include "libos/ipc/async_signals.h"
#include "libos/ipc/waitable.h"
#include "line_discipline.h"

namespace cella::tty {

using base::RefPtr;
using base::Result;

class Pty : public base::RefCounted<Pty> {
public:
    Pty(int index, std::uint32_t uid, std::uint32_t gid);

    int index() const { return index_; }
    ipc::Waitable& waitable() { return changed_; }
    // O_ASYNC files of each end: told when their end can read (data came
    // in) or write (the other end read), as n_tty's kill_fasync.
    ipc::AsyncSubscribers& async_files(bool master_side) { return master_side ? async_master_ : async_slave_; }

    // --- the data path (pty.cpp) ---
    Result<std::size_t> master_read(std::span<std::uint8_t> out, bool nonblocking);
    std::uint32_t master_poll();
    Result<std::size_t> slave_read(std::span<std::uint8_t> out, bool nonblocking);
    Result<std::size_t> write(std::span<const std::uint8_t> data, bool nonblocking, bool master_side);
    std::uint32_t slave_poll();

    // --- opens and closes ---
    // A new slave open: EIO while locked (TIOCSPTLCK) or once the master
    // is gone.
    Result<void> attach_slave();
    void detach_slave();
    // The master's last close: the slave hangs up and leaves /dev/pts.
    void detach_master();
    bool hung_up();

    // --- settings (tty_ioctl.cpp serves the requests) ---
    KernelTermios termios();
    // TCSETSF flushes unread input first; TCSETSW/F would wait for output
    // to drain, which the master may never read, so they do not wait.
    void set_termios(const KernelTermios& termios, bool flush_input);
    Winsize winsize();
    // True when the size changed (SIGWINCH is due).
    bool set_winsize(const Winsize& size);
    bool locked();
    void set_locked(bool locked);
    // TCFLSH: input (what the slave has not read) and/or output (what the
    // master has not read), named from the side that asks.
    void flush(bool master_side, int queue);
    // TCXONC from the slave: stop or start its output, or send STOP/START.
    void flow(int action);
    // TIOCPKT: each master read starts with a status byte. Only
    // TIOCPKT_DATA (0) is ever sent: the flush and flow-control events
    // are not reported.
    void set_packet_mode(bool on);
    bool packet_mode();
    std::size_t readable_bytes(bool master_side);

    // Job control: the session this is the controlling terminal of, and
    // its foreground process group (0: none). Changed under the process
    // table's tree lock; read without it.
    int session() const { return __atomic_load_n(&session_, __ATOMIC_ACQUIRE); }
    int foreground_group() const { return __atomic_load_n(&foreground_, __ATOMIC_ACQUIRE); }
    void set_session(int sid) { __atomic_store_n(&session_, sid, __ATOMIC_RELEASE); }
    void set_foreground_group(int pgid) { __atomic_store_n(&foreground_, pgid, __ATOMIC_RELEASE); }

    // The devpts node's owner, mode and times (grantpt expects the
    // opener's uid, group tty and 0620).
    fs::FileStat node_stat();
    void set_node_mode(std::uint32_t mode);
    void set_node_owner(std::uint32_t uid, std::uint32_t gid);
    void set_node_times(const fs::Timestamp* access, const fs::Timestamp* modify, const fs::Timestamp& now);

private:
    // Sends the signals ISIG raised to the foreground group.
    void raise(std::uint32_t signals);

    const int index_;
    base::Mutex lock_;
    LineDiscipline discipline_;
    Winsize winsize_{};
    bool locked_ = true;
    bool master_open_ = true;
    int slaves_ = 0;
    // Linux's TTY_OTHER_CLOSED on the master: every slave opened so far
    // has closed again.
    bool slave_closed_ = false;
    bool packet_ = false;
    int session_ = 0;
    int foreground_ = 0;
    std::uint32_t uid_, gid_, mode_ = 0620;
    fs::Timestamp atime_{}, mtime_{}, ctime_{};
    ipc::Waitable changed_;
    ipc::AsyncSubscribers async_master_, async_slave_;
};

}  // namespace cella::tty
