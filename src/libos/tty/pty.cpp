#include "pty.h"

#include <asm-generic/errno.h>

#include "devpts.h"
#include "libos/host/host.h"
#include "libos/process/kill.h"
#include "libos/process/signals.h"
#include "libos/time/monotonic.h"

namespace cella::tty {
namespace {

using base::Error;

constexpr std::uint32_t kPollIn = 0x1, kPollOut = 0x4, kPollErr = 0x8, kPollHup = 0x10, kPollRdNorm = 0x40,
                        kPollWrNorm = 0x100;

Error interrupted() { return Error::from_errno(static_cast<int>(process::kRestartSys)); }

}  // namespace

Pty::Pty(int index, std::uint32_t uid, std::uint32_t gid) : index_(index), uid_(uid), gid_(gid) {
    std::int64_t seconds = 0, nanoseconds = 0;
    (void)host::clock_gettime(0 /* CLOCK_REALTIME */, seconds, nanoseconds);
    atime_ = mtime_ = ctime_ = {seconds, static_cast<std::uint32_t>(nanoseconds)};
}

void Pty::raise(std::uint32_t signals) {
    int group = foreground_group();
    if (!signals || !group) return;
    for (int signo = 1; signo < 32; ++signo)
        if (signals & (1u << signo)) process::signal_group_from_kernel(group, signo);
}

// --- the master: reads the slave's output, writes its input ---

Result<std::size_t> Pty::master_read(std::span<std::uint8_t> out, bool nonblocking) {
    if (out.empty()) return std::size_t{0};
    ipc::Waiter waiter;
    waiter.watch(changed_);
    while (true) {
        std::size_t n = 0;
        {
            base::ScopedLock guard(lock_);
            if (!discipline_.output_bytes()) {
                n = 0;
            } else if (packet_) {
                out[0] = 0;  // TIOCPKT_DATA
                n = 1 + discipline_.read_output(out.subspan(1));
            } else {
                n = discipline_.read_output(out);
            }
            if (!n && slave_closed_) return Error::from_errno(EIO);
            if (!n && nonblocking) return Error::from_errno(EAGAIN);
        }
        if (n) {
            changed_.notify_all();
            async_slave_.signal(ipc::IoReason::Out);
            return n;
        }
        if (waiter.wait(-1, true) == ipc::WaitResult::Interrupted) return interrupted();
    }
}

// Both ends' writes: all of `data`, unless non-blocking or interrupted
// (then what went, or the error). The master's bytes are typed into the
// line discipline, the slave's go through output processing.
Result<std::size_t> Pty::write(std::span<const std::uint8_t> data, bool nonblocking, bool master_side) {
    ipc::Waiter waiter;
    waiter.watch(changed_);
    std::size_t done = 0;
    while (true) {
        std::uint32_t signals = 0;
        std::size_t taken = 0;
        bool readable = false;
        {
            base::ScopedLock guard(lock_);
            // The slave once hung up: hung_up_tty_write's EIO. The master
            // may write with no slave open; a slave opened later reads it.
            if (!master_side && !master_open_) return done ? Result<std::size_t>(done) : Error::from_errno(EIO);
            taken = master_side ? discipline_.type(data.subspan(done), signals) : discipline_.write(data.subspan(done));
            done += taken;
            // The slave hears of input once a read would return it.
            readable = master_side ? discipline_.readable() : taken != 0;
        }
        if (taken) {
            changed_.notify_all();
            if (readable) (master_side ? async_slave_ : async_master_).signal(ipc::IoReason::In);
        }
        raise(signals);
        if (done == data.size()) return done;
        if (nonblocking) return done ? Result<std::size_t>(done) : Error::from_errno(EAGAIN);
        if (!taken && waiter.wait(-1, true) == ipc::WaitResult::Interrupted)
            return done ? Result<std::size_t>(done) : interrupted();
    }
}

std::uint32_t Pty::master_poll() {
    base::ScopedLock guard(lock_);
    std::uint32_t events = 0;
    if (discipline_.output_bytes()) events |= kPollIn | kPollRdNorm;
    if (slave_closed_) events |= kPollHup;
    if (discipline_.pending_room()) events |= kPollOut | kPollWrNorm;
    return events;
}

// --- the slave: reads through the line discipline, writes with OPOST ---

// ICANON: one line. Otherwise VMIN and VTIME as n_tty: MIN bytes (or
// fewer when the buffer is smaller), TIME tenths of a second between
// bytes once one came; MIN 0: whatever is there after at most TIME.
Result<std::size_t> Pty::slave_read(std::span<std::uint8_t> out, bool nonblocking) {
    if (out.empty()) return std::size_t{0};
    ipc::Waiter waiter;
    waiter.watch(changed_);
    std::size_t done = 0;
    std::int64_t deadline = -1;  // monotonic ns; -1: none
    bool first = true;
    while (true) {
        std::uint32_t signals = 0;
        bool moved = false, finished = false;
        {
            base::ScopedLock guard(lock_);
            if (!master_open_) return done;  // hung up: end of file
            const KernelTermios& t = discipline_.termios();
            bool canonical = t.lflag & kIcanon;
            std::size_t minimum = canonical ? 1 : t.cc[kVmin];
            std::int64_t time_ns = std::int64_t{t.cc[kVtime]} * 100000000;
            if (first && !canonical && !minimum) deadline = time::monotonic_ns() + time_ns;
            first = false;
            if (discipline_.readable()) {
                std::size_t got = discipline_.read(out.subspan(done));
                done += got;
                discipline_.process_pending(signals);
                moved = true;
                // The timer between bytes starts again with each byte.
                if (got && minimum && time_ns) deadline = time::monotonic_ns() + time_ns;
            }
            if (canonical)
                finished = moved;  // one line, or 0 at an EOF
            else
                finished = done >= (minimum ? minimum : 1) || done == out.size() || (!minimum && !time_ns);
        }
        if (moved) {
            changed_.notify_all();
            async_master_.signal(ipc::IoReason::Out);
            raise(signals);
        }
        if (finished) return done;
        if (nonblocking) return done ? Result<std::size_t>(done) : Error::from_errno(EAGAIN);
        std::int64_t timeout = -1;
        if (deadline >= 0) {
            timeout = deadline - time::monotonic_ns();
            if (timeout <= 0) return done;
        }
        ipc::WaitResult result = waiter.wait(timeout, true);
        if (result == ipc::WaitResult::Interrupted) return done ? Result<std::size_t>(done) : interrupted();
    }
}

std::uint32_t Pty::slave_poll() {
    base::ScopedLock guard(lock_);
    // A hung-up terminal is ready for everything, and every call fails.
    if (!master_open_) return kPollIn | kPollOut | kPollErr | kPollHup | kPollRdNorm | kPollWrNorm;
    const KernelTermios& t = discipline_.termios();
    std::size_t minimum = !(t.lflag & kIcanon) && !t.cc[kVtime] && t.cc[kVmin] ? t.cc[kVmin] : 1;
    std::uint32_t events = 0;
    if (discipline_.readable(minimum)) events |= kPollIn | kPollRdNorm;
    if (discipline_.output_room()) events |= kPollOut | kPollWrNorm;
    return events;
}

// --- opens and closes ---

Result<void> Pty::attach_slave() {
    {
        base::ScopedLock guard(lock_);
        if (locked_ || !master_open_) return Error::from_errno(EIO);
        ++slaves_;
        slave_closed_ = false;
    }
    changed_.notify_all();
    return {};
}

void Pty::detach_slave() {
    {
        base::ScopedLock guard(lock_);
        if (--slaves_ == 0) slave_closed_ = true;
    }
    changed_.notify_all();
}

void Pty::detach_master() {
    {
        base::ScopedLock guard(lock_);
        master_open_ = false;
    }
    changed_.notify_all();
}

bool Pty::hung_up() {
    base::ScopedLock guard(lock_);
    return !master_open_;
}

// --- settings ---

KernelTermios Pty::termios() {
    base::ScopedLock guard(lock_);
    return discipline_.termios();
}

void Pty::set_termios(const KernelTermios& termios, bool flush_input) {
    {
        base::ScopedLock guard(lock_);
        if (flush_input) discipline_.flush_input();
        discipline_.set_termios(termios);
    }
    changed_.notify_all();
}

Winsize Pty::winsize() {
    base::ScopedLock guard(lock_);
    return winsize_;
}

bool Pty::set_winsize(const Winsize& size) {
    base::ScopedLock guard(lock_);
    if (winsize_ == size) return false;
    winsize_ = size;
    return true;
}

bool Pty::locked() {
    base::ScopedLock guard(lock_);
    return locked_;
}

void Pty::set_locked(bool locked) {
    base::ScopedLock guard(lock_);
    locked_ = locked;
}

void Pty::flush(bool master_side, int queue) {
    constexpr int kInput = 0, kOutput = 1, kBoth = 2;
    {
        base::ScopedLock guard(lock_);
        // The slave's input is what the master writes, and the other way round.
        bool slave_input = queue == kBoth || (queue == kInput) != master_side;
        bool master_input = queue == kBoth || (queue == kOutput) != master_side;
        if (slave_input) discipline_.flush_input();
        if (master_input) discipline_.flush_output();
    }
    changed_.notify_all();
}

void Pty::flow(int action) {
    constexpr int kOff = 0, kOn = 1, kInputOff = 2, kInputOn = 3;
    {
        base::ScopedLock guard(lock_);
        const KernelTermios& t = discipline_.termios();
        if (action == kOff) discipline_.stop_output();
        if (action == kOn) discipline_.start_output();
        if (action == kInputOff && t.cc[kVstop]) discipline_.send_raw(t.cc[kVstop]);
        if (action == kInputOn && t.cc[kVstart]) discipline_.send_raw(t.cc[kVstart]);
    }
    changed_.notify_all();
}

void Pty::set_packet_mode(bool on) {
    base::ScopedLock guard(lock_);
    packet_ = on;
}

bool Pty::packet_mode() {
    base::ScopedLock guard(lock_);
    return packet_;
}

// The master's FIONREAD counts what its own read buffer would hold on
// Linux (the rest waits in the pty's flip buffer): at most 4095 bytes.
std::size_t Pty::readable_bytes(bool master_side) {
    base::ScopedLock guard(lock_);
    if (!master_side) return discipline_.input_bytes();
    std::size_t n = discipline_.output_bytes();
    return n < kInputBufferSize - 1 ? n : kInputBufferSize - 1;
}

fs::FileStat Pty::node_stat() {
    base::ScopedLock guard(lock_);
    fs::FileStat s;
    s.mode = 0020000 | mode_;
    s.uid = uid_;
    s.gid = gid_;
    s.atime = atime_;
    s.mtime = mtime_;
    s.ctime = ctime_;
    s.block_size = 1024;
    return s;
}

void Pty::set_node_mode(std::uint32_t mode) {
    base::ScopedLock guard(lock_);
    mode_ = mode & 07777;
}

void Pty::set_node_owner(std::uint32_t uid, std::uint32_t gid) {
    base::ScopedLock guard(lock_);
    uid_ = uid;
    gid_ = gid;
}

void Pty::set_node_times(const fs::Timestamp* access, const fs::Timestamp* modify, const fs::Timestamp& now) {
    base::ScopedLock guard(lock_);
    if (access) atime_ = *access;
    if (modify) mtime_ = *modify;
    ctime_ = now;
}

}  // namespace cella::tty
