#pragma once
// The open files of a pseudo-terminal: the master (one per pair, from
// ptmx) and the slaves (/dev/pts/N, or TIOCGPTPEER). Both are terminals:
// isatty() holds, and the termios, window size and job-control requests
// reach the one line discipline.
#include "libos/fs/open_file.h"
#include "pty.h"

namespace cella::tty {

class PtyFile final : public fs::OpenFile {
public:
    PtyFile(RefPtr<Pty> pty, RefPtr<fs::Inode> node, bool master, int flags);
    // The master's close hangs the slave up; a slave's close may leave
    // the master without any (EIO on its reads).
    ~PtyFile() override;

    Result<std::size_t> read(std::span<std::uint8_t> out) override;
    Result<std::size_t> write(std::span<const std::uint8_t> data) override;
    Result<fs::FileStat> stat() override { return node_->stat(); }
    Result<long> ioctl(unsigned long request, std::uint64_t arg) override;  // tty_ioctl.cpp
    fs::Inode* inode() override { return node_.get(); }
    std::uint32_t poll_events() override { return master_ ? pty_->master_poll() : pty_->slave_poll(); }
    ipc::Waitable* waitable() override { return &pty_->waitable(); }
    bool accepts_async() const override { return true; }
    Result<void> set_async(bool on, int fd) override;

    Pty& pty() { return *pty_; }
    bool master() const { return master_; }

private:
    RefPtr<Pty> pty_;
    RefPtr<fs::Inode> node_;  // ptmx, or /dev/pts/N
    bool master_;
};

// Opening ptmx: a new pair, locked until TIOCSPTLCK unlocks it.
Result<RefPtr<fs::OpenFile>> open_master(RefPtr<fs::Inode> ptmx, int flags);
// Opening a slave; without O_NOCTTY a session leader may acquire it as
// its controlling terminal. `named`: the file's path is /dev/pts/N (not
// when opened as /dev/tty, whose name it keeps).
Result<RefPtr<fs::OpenFile>> open_slave(RefPtr<Pty> pty, RefPtr<fs::Inode> node, int flags, bool named = true);

}  // namespace cella::tty
