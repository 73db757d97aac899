#pragma once
// A pidfd (pidfd_open, clone's CLONE_PIDFD): a file that
// names one process. It turns readable when the process exits, and
// readable with POLLHUP once it has been reaped; pidfd_send_signal,
// pidfd_getfd and waitid(P_PIDFD) act on the process it names.
#include "libos/fs/open_file.h"
#include "process.h"

namespace cella::process {

class PidFdFile final : public fs::OpenFile {
public:
    PidFdFile(base::RefPtr<Process> process, int flags) : OpenFile(flags), process_(static_cast<base::RefPtr<Process>&&>(process)) {}

    Process& process() { return *process_; }
    // Still in the process table: not reaped yet (possibly a zombie).
    bool process_exists();
    bool process_exited();

    base::Result<std::size_t> read(std::span<std::uint8_t> out) override;
    base::Result<fs::FileStat> stat() override;
    std::uint32_t poll_events() override;
    ipc::Waitable* waitable() override { return &process_->exited; }
    fs::FileKind kind() const override { return fs::FileKind::PidFd; }

private:
    base::RefPtr<Process> process_;
};

// A new pidfd for `target` in `caller`'s fd table, close-on-exec (pidfd_open
// and CLONE_PIDFD); `flags` may hold O_NONBLOCK.
base::Result<int> open_pidfd(Process& caller, base::RefPtr<Process> target, int flags);

// The process a pidfd names; EBADF when `fd` is not open or not a pidfd.
base::Result<base::RefPtr<PidFdFile>> pidfd_of(Process& caller, int fd);

}  // namespace cella::process
