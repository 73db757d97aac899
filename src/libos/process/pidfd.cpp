#include "pidfd.h"

#include <asm-generic/errno.h>
#include <linux/fcntl.h>

#include "libos/ipc/anon_inode.h"
#include "process_table.h"

namespace cella::process {

bool PidFdFile::process_exists() { return process_table().find_process(process_->pid()).get() == process_.get(); }

bool PidFdFile::process_exited() {
    base::ScopedLock guard(process_table().tree_lock());
    return process_->run_state == RunState::Zombie;
}

base::Result<std::size_t> PidFdFile::read(std::span<std::uint8_t>) { return base::Error::from_errno(EINVAL); }

base::Result<fs::FileStat> PidFdFile::stat() { return ipc::anon_inode_stat(); }

std::uint32_t PidFdFile::poll_events() {
    constexpr std::uint32_t kPollIn = 0x1, kPollHup = 0x10, kPollRdNorm = 0x40;
    if (!process_exited()) return 0;
    return kPollIn | kPollRdNorm | (process_exists() ? 0 : kPollHup);
}

base::Result<int> open_pidfd(Process& caller, base::RefPtr<Process> target, int flags) {
    auto file = TRY(base::make_ref<PidFdFile>(static_cast<base::RefPtr<Process>&&>(target), O_RDWR | (flags & O_NONBLOCK)));
    TRY(file->set_path("anon_inode:[pidfd]"));
    return caller.fds().install(base::RefPtr<fs::OpenFile>(file.get()), true);
}

base::Result<base::RefPtr<PidFdFile>> pidfd_of(Process& caller, int fd) {
    base::RefPtr<fs::OpenFile> file = TRY(caller.fds().get(fd));
    if (file->kind() != fs::FileKind::PidFd) return base::Error::from_errno(EBADF);
    return base::RefPtr<PidFdFile>(static_cast<PidFdFile*>(file.get()));
}

}  // namespace cella::process
