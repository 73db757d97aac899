// fallocate(2): decode and check as Linux's vfs_fallocate does, then ask
// the file's file system (ramfs serves tmpfs's modes: fs/ramfs/file_data.h).
#include <asm-generic/errno.h>
#include <asm/unistd.h>
#include <linux/falloc.h>

#include "libos/fs/fd_table.h"
#include "libos/process/process.h"
#include "libos/process/current.h"
#include "syscall.h"

namespace cella::syscall {
namespace {

using process::current_process;

#ifndef FALLOC_FL_WRITE_ZEROES
constexpr int FALLOC_FL_WRITE_ZEROES = 0x80;
#endif
constexpr int kModeMask = FALLOC_FL_PUNCH_HOLE | FALLOC_FL_COLLAPSE_RANGE | FALLOC_FL_ZERO_RANGE |
                          FALLOC_FL_INSERT_RANGE | FALLOC_FL_UNSHARE_RANGE | FALLOC_FL_WRITE_ZEROES;
constexpr std::uint32_t kTypeMask = 0170000, kFifo = 0010000, kDirectory = 0040000, kRegular = 0100000;

// The modes are exclusive of each other; KEEP_SIZE goes with some.
Result<void> check_mode(int mode) {
    if (mode & ~(kModeMask | FALLOC_FL_KEEP_SIZE)) return Error::from_errno(EOPNOTSUPP);
    switch (mode & kModeMask) {
    case 0:
    case FALLOC_FL_UNSHARE_RANGE:
    case FALLOC_FL_ZERO_RANGE: return {};
    case FALLOC_FL_PUNCH_HOLE:
        if (!(mode & FALLOC_FL_KEEP_SIZE)) return Error::from_errno(EOPNOTSUPP);
        return {};
    case FALLOC_FL_COLLAPSE_RANGE:
    case FALLOC_FL_INSERT_RANGE:
    case FALLOC_FL_WRITE_ZEROES:
        if (mode & FALLOC_FL_KEEP_SIZE) return Error::from_errno(EOPNOTSUPP);
        return {};
    default: return Error::from_errno(EOPNOTSUPP);
    }
}

Result<long> sys_fallocate(SyscallArgs& a) {
    int mode = a.integer(1);
    auto offset = static_cast<std::int64_t>(a.arg[2]);
    auto length = static_cast<std::int64_t>(a.arg[3]);
    if (offset < 0 || length <= 0) return Error::from_errno(EINVAL);
    TRY(check_mode(mode));
    base::RefPtr<fs::OpenFile> file = TRY(current_process().fds().get(a.fd(0)));
    if (!file->writable()) return Error::from_errno(EBADF);
    auto stat = file->stat();
    std::uint32_t type = stat.is_error() ? 0 : stat.value().mode & kTypeMask;
    if (type == kFifo) return Error::from_errno(ESPIPE);
    if (type == kDirectory) return Error::from_errno(EISDIR);
    if (type != kRegular || !file->inode()) return Error::from_errno(ENODEV);
    std::int64_t end;
    if (__builtin_add_overflow(offset, length, &end)) return Error::from_errno(EFBIG);
    TRY(file->inode()->allocate(mode, static_cast<std::uint64_t>(offset), static_cast<std::uint64_t>(length)));
    return 0;
}

constexpr SyscallSpec kSpecs[] = {
    {__NR_fallocate, sys_fallocate, "dxll"},
};

}  // namespace

std::span<const SyscallSpec> file_space_syscalls() { return kSpecs; }

}  // namespace cella::syscall
