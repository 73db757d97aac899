// File syscalls: decode, check, call fs/.
#include <asm-generic/errno.h>
#include <asm/unistd.h>
#include <linux/fcntl.h>
#include <asm/ioctls.h>

#include "libos/fs/file_ops.h"
#include "libos/fs/notify/events.h"
#include "libos/fs/permission.h"
#include "libos/mm/user_memory.h"
#include "libos/process/current.h"
#include "fs_args.h"
#include "async_io.h"
#include "libos/fs/notify/dnotify.h"
#include "syscall.h"

namespace cella::syscall {
namespace {

using base::RefPtr;
using fs::OpenFile;
using process::current_process;

Result<base::String> path_arg(const SyscallArgs& a, int i) { return mm::copy_string_from_user(a.address(i)); }

Result<long> sys_read(SyscallArgs& a) {
    RefPtr<OpenFile> file = TRY(file_of(a.fd(0)));
    auto buffer = TRY(mm::user_writable(a.address(1), clamp_count(a.size(2))));
    return static_cast<long>(TRY(current_process().io.count(false, file->read(buffer))));
}

Result<long> sys_write(SyscallArgs& a) {
    RefPtr<OpenFile> file = TRY(file_of(a.fd(0)));
    auto data = TRY(mm::user_readable(a.address(1), clamp_count(a.size(2))));
    return static_cast<long>(TRY(current_process().io.count(true, file->write(data))));
}

Result<long> sys_openat(SyscallArgs& a) {
    base::String path = TRY(path_arg(a, 1));
    return TRY(fs::open_at(current_process(), a.fd(0), path.view(), a.integer(2), static_cast<std::uint32_t>(a.arg[3])));
}

Result<long> sys_open(SyscallArgs& a) {
    base::String path = TRY(path_arg(a, 0));
    return TRY(fs::open_at(current_process(), AT_FDCWD, path.view(), a.integer(1), static_cast<std::uint32_t>(a.arg[2])));
}

Result<long> sys_creat(SyscallArgs& a) {
    base::String path = TRY(path_arg(a, 0));
    return TRY(fs::open_at(current_process(), AT_FDCWD, path.view(), O_CREAT | O_WRONLY | O_TRUNC,
                           static_cast<std::uint32_t>(a.arg[1])));
}

Result<long> sys_close(SyscallArgs& a) {
    TRY(current_process().fds().close(a.fd(0)));
    return 0;
}

Result<long> sys_lseek(SyscallArgs& a) {
    RefPtr<OpenFile> file = TRY(file_of(a.fd(0)));
    return TRY(file->seek(static_cast<std::int64_t>(a.arg[1]), a.integer(2)));
}

Result<long> put_stat(std::uint64_t address, const fs::FileStat& stat) {
    TRY(mm::write_user(address, fs::to_kernel_stat(stat)));
    return 0;
}

Result<long> sys_fstat(SyscallArgs& a) {
    RefPtr<OpenFile> file = TRY(file_of(a.fd(0)));
    return put_stat(a.address(1), TRY(file->stat()));
}

Result<long> sys_stat(SyscallArgs& a) {
    base::String path = TRY(path_arg(a, 0));
    return put_stat(a.address(1), TRY(fs::stat_at(current_process(), AT_FDCWD, path.view(), 0)));
}

Result<long> sys_lstat(SyscallArgs& a) {
    base::String path = TRY(path_arg(a, 0));
    return put_stat(a.address(1), TRY(fs::stat_at(current_process(), AT_FDCWD, path.view(), AT_SYMLINK_NOFOLLOW)));
}

Result<long> sys_newfstatat(SyscallArgs& a) {
    int flags = a.integer(3);
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT)) return Error::from_errno(EINVAL);
    base::String path = TRY(path_arg(a, 1));
    return put_stat(a.address(2), TRY(fs::stat_at(current_process(), a.fd(0), path.view(), flags)));
}

Result<long> sys_statx(SyscallArgs& a) {
    int flags = a.integer(2);
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE))
        return Error::from_errno(EINVAL);
    base::String path = TRY(path_arg(a, 1));
    fs::FileStat stat = TRY(fs::stat_at(current_process(), a.fd(0), path.view(), flags));
    TRY(mm::write_user(a.address(4), fs::to_kernel_statx(stat)));
    return 0;
}

Result<long> read_link_common(int dirfd, std::uint64_t path_address, std::uint64_t out_address, std::uint64_t size) {
    if (static_cast<std::int64_t>(size) <= 0) return Error::from_errno(EINVAL);
    base::String path = TRY(mm::copy_string_from_user(path_address));
    char target[4096];
    std::size_t n = TRY(fs::read_link_at(current_process(), dirfd, path.view(),
                                          {target, size < sizeof target ? size : sizeof target}));
    TRY(mm::copy_to_user(out_address, target, n));
    return static_cast<long>(n);
}

Result<long> sys_readlink(SyscallArgs& a) { return read_link_common(AT_FDCWD, a.address(0), a.address(1), a.size(2)); }
Result<long> sys_readlinkat(SyscallArgs& a) { return read_link_common(a.fd(0), a.address(1), a.address(2), a.size(3)); }

Result<long> sys_getdents64(SyscallArgs& a) {
    RefPtr<OpenFile> file = TRY(file_of(a.fd(0)));
    auto buffer = TRY(mm::user_writable(a.address(1), clamp_count(a.size(2))));
    return static_cast<long>(TRY(file->getdents64(buffer)));
}

Result<long> sys_access(SyscallArgs& a) {
    base::String path = TRY(path_arg(a, 0));
    TRY(fs::access_at(current_process(), AT_FDCWD, path.view(), a.integer(1), 0));
    return 0;
}

Result<long> sys_faccessat(SyscallArgs& a) {
    base::String path = TRY(path_arg(a, 1));
    TRY(fs::access_at(current_process(), a.fd(0), path.view(), a.integer(2), 0));
    return 0;
}

Result<long> sys_faccessat2(SyscallArgs& a) {
    int flags = a.integer(3);
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EACCESS | AT_EMPTY_PATH)) return Error::from_errno(EINVAL);
    base::String path = TRY(path_arg(a, 1));
    TRY(fs::access_at(current_process(), a.fd(0), path.view(), a.integer(2), flags));
    return 0;
}

Result<long> sys_getcwd(SyscallArgs& a) {
    base::String cwd = TRY(fs::path_seen_from_root(current_process(), current_process().cwd().view()));
    if (a.size(1) < cwd.size() + 1) return Error::from_errno(ERANGE);
    TRY(mm::copy_to_user(a.address(0), cwd.c_str(), cwd.size() + 1));
    return static_cast<long>(cwd.size() + 1);
}

Result<long> sys_chdir(SyscallArgs& a) {
    base::String path = TRY(path_arg(a, 0));
    TRY(fs::change_directory(current_process(), path.view()));
    return 0;
}

Result<long> sys_fchdir(SyscallArgs& a) {
    TRY(fs::change_directory_fd(current_process(), a.fd(0)));
    return 0;
}

Result<long> sys_ioctl(SyscallArgs& a) {
    RefPtr<OpenFile> file = TRY(file_of(a.fd(0)));
    if (file->path_only()) return Error::from_errno(EBADF);
    unsigned long request = static_cast<unsigned int>(a.arg[1]);
    switch (request) {
    case FIOCLEX:
        TRY(current_process().fds().set_cloexec(a.fd(0), true));
        return 0;
    case FIONCLEX:
        TRY(current_process().fds().set_cloexec(a.fd(0), false));
        return 0;
    // Status flags, for every kind of file as on Linux. FIOASYNC changes
    // O_ASYNC only where the file could signal (pipes, host streams);
    // elsewhere a change is ENOTTY, as for a Linux file without fasync.
    case FIONBIO: {
        bool on = TRY(mm::read_user<int>(a.address(2))) != 0;
        file->set_status_flags(on ? file->flags() | O_NONBLOCK : file->flags() & ~O_NONBLOCK);
        return 0;
    }
    case FIOASYNC: {
        bool on = TRY(mm::read_user<int>(a.address(2))) != 0;
        if (on != bool(file->flags() & FASYNC) && !file->accepts_async()) return Error::from_errno(ENOTTY);
        TRY(set_async_flag(*file, a.fd(0), on));
        return 0;
    }
    default:
        return file->ioctl(request, a.arg[2]);
    }
}

Result<long> sys_fcntl(SyscallArgs& a) {
    int fd = a.fd(0);
    fs::FdTable& fds = current_process().fds();
    RefPtr<OpenFile> file = TRY(fds.get(fd));
    switch (a.integer(1)) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC: {
        // A lowest fd at or past RLIMIT_NOFILE is EINVAL here, where a full table is EMFILE.
        int lowest = a.integer(2);
        if (lowest < 0 || lowest >= fds.limit()) return Error::from_errno(EINVAL);
        return TRY(fds.install(file, a.integer(1) == F_DUPFD_CLOEXEC, lowest));
    }
    case F_GETFD: return TRY(fds.cloexec(fd)) ? FD_CLOEXEC : 0;
    case F_SETFD:
        TRY(fds.set_cloexec(fd, a.arg[2] & FD_CLOEXEC));
        return 0;
    case F_GETFL: return file->flags() & ~O_CLOEXEC;
    case F_SETFL:
        TRY(set_async_flag(*file, fd, a.integer(2) & FASYNC));
        file->set_status_flags(a.integer(2));
        return 0;
    case kFSetOwn:
    case kFGetOwn:
    case kFSetOwnEx:
    case kFGetOwnEx:
    case kFSetSig:
    case kFGetSig: return fcntl_owner(*file, a.integer(1), a.arg[2]);
    case kFNotify:
        TRY(fs::notify::notify_directory(*file, fd, static_cast<std::uint32_t>(a.arg[2])));
        return 0;
    case F_GETLK:
    case F_SETLK:
    case F_SETLKW:
    case F_OFD_GETLK:
    case F_OFD_SETLK:
    case F_OFD_SETLKW: return fcntl_record_lock(*file, a.integer(1), a.address(2));
    default: return file->fcntl_special(a.integer(1), a.arg[2]);
    }
}

Result<long> sys_dup(SyscallArgs& a) {
    fs::FdTable& fds = current_process().fds();
    return TRY(fds.install(TRY(fds.get(a.fd(0))), false));
}

Result<long> dup_to(int old_fd, int new_fd, int flags) {
    fs::FdTable& fds = current_process().fds();
    if (flags & ~O_CLOEXEC) return Error::from_errno(EINVAL);
    RefPtr<OpenFile> file = TRY(fds.get(old_fd));
    TRY(fds.install_at(new_fd, file, flags & O_CLOEXEC));
    return new_fd;
}

Result<long> sys_dup2(SyscallArgs& a) {
    if (a.fd(0) == a.fd(1)) {
        TRY(file_of(a.fd(0)));
        return a.fd(1);
    }
    return dup_to(a.fd(0), a.fd(1), 0);
}

Result<long> sys_dup3(SyscallArgs& a) {
    if (a.fd(0) == a.fd(1)) return Error::from_errno(EINVAL);
    return dup_to(a.fd(0), a.fd(1), a.integer(2));
}

Result<long> sys_umask(SyscallArgs& a) { return current_process().set_umask(static_cast<std::uint32_t>(a.arg[0])); }

Result<long> sys_mkdir(SyscallArgs& a) {
    base::String path = TRY(path_arg(a, 0));
    TRY(fs::make_directory_at(current_process(), AT_FDCWD, path.view(), static_cast<std::uint32_t>(a.arg[1])));
    return 0;
}

Result<long> sys_mkdirat(SyscallArgs& a) {
    base::String path = TRY(path_arg(a, 1));
    TRY(fs::make_directory_at(current_process(), a.fd(0), path.view(), static_cast<std::uint32_t>(a.arg[2])));
    return 0;
}

Result<long> sys_rmdir(SyscallArgs& a) {
    base::String path = TRY(path_arg(a, 0));
    TRY(fs::remove_at(current_process(), AT_FDCWD, path.view(), AT_REMOVEDIR));
    return 0;
}

Result<long> sys_unlink(SyscallArgs& a) {
    base::String path = TRY(path_arg(a, 0));
    TRY(fs::remove_at(current_process(), AT_FDCWD, path.view(), 0));
    return 0;
}

Result<long> sys_unlinkat(SyscallArgs& a) {
    base::String path = TRY(path_arg(a, 1));
    TRY(fs::remove_at(current_process(), a.fd(0), path.view(), a.integer(2)));
    return 0;
}

Result<long> sys_rename(SyscallArgs& a) {
    base::String from = TRY(path_arg(a, 0));
    base::String to = TRY(path_arg(a, 1));
    TRY(fs::rename_at(current_process(), AT_FDCWD, from.view(), AT_FDCWD, to.view(), 0));
    return 0;
}

Result<long> sys_renameat2(SyscallArgs& a) {
    base::String from = TRY(path_arg(a, 1));
    base::String to = TRY(path_arg(a, 3));
    unsigned flags = a.nr == __NR_renameat2 ? static_cast<unsigned>(a.arg[4]) : 0;
    TRY(fs::rename_at(current_process(), a.fd(0), from.view(), a.fd(2), to.view(), flags));
    return 0;
}

Result<long> sys_symlink(SyscallArgs& a) {
    base::String target = TRY(path_arg(a, 0));
    base::String path = TRY(path_arg(a, 1));
    TRY(fs::symlink_at(current_process(), target.view(), AT_FDCWD, path.view()));
    return 0;
}

Result<long> sys_symlinkat(SyscallArgs& a) {
    base::String target = TRY(path_arg(a, 0));
    base::String path = TRY(path_arg(a, 2));
    TRY(fs::symlink_at(current_process(), target.view(), a.fd(1), path.view()));
    return 0;
}

Result<long> sys_link(SyscallArgs& a) {
    base::String from = TRY(path_arg(a, 0));
    base::String to = TRY(path_arg(a, 1));
    TRY(fs::link_at(current_process(), AT_FDCWD, from.view(), AT_FDCWD, to.view(), 0));
    return 0;
}

Result<long> sys_linkat(SyscallArgs& a) {
    base::String from = TRY(path_arg(a, 1));
    base::String to = TRY(path_arg(a, 3));
    TRY(fs::link_at(current_process(), a.fd(0), from.view(), a.fd(2), to.view(), a.integer(4)));
    return 0;
}

Result<long> sys_truncate(SyscallArgs& a) {
    base::String path = TRY(path_arg(a, 0));
    TRY(fs::truncate_at(current_process(), path.view(), static_cast<std::int64_t>(a.arg[1])));
    return 0;
}

Result<long> sys_ftruncate(SyscallArgs& a) {
    RefPtr<OpenFile> file = TRY(file_of(a.fd(0)));
    if (static_cast<std::int64_t>(a.arg[1]) < 0) return Error::from_errno(EINVAL);
    if (!file->writable() || !file->inode() || !file->inode()->is_regular()) return Error::from_errno(EINVAL);
    TRY(fs::drop_set_ids_on_write(*file->inode(), fs::Caller::of(current_process())));
    TRY(file->inode()->truncate(a.arg[1]));
    fs::notify::file_event(*file->inode(), fs::notify::kModify, file->path().view());
    return 0;
}


constexpr SyscallSpec kSpecs[] = {
    {__NR_read, sys_read, "dBu"},
    {__NR_write, sys_write, "dbu"},
    {__NR_open, sys_open, "sOo"},
    {__NR_openat, sys_openat, "DsOo"},
    {__NR_creat, sys_creat, "so"},
    {__NR_close, sys_close, "d"},
    {__NR_lseek, sys_lseek, "dld"},
    {__NR_fstat, sys_fstat, "dp"},
    {__NR_stat, sys_stat, "sp"},
    {__NR_lstat, sys_lstat, "sp"},
    {__NR_newfstatat, sys_newfstatat, "Dspx"},
    {__NR_statx, sys_statx, "Dsxxp"},
    {__NR_readlink, sys_readlink, "spu"},
    {__NR_readlinkat, sys_readlinkat, "Dspu"},
    {__NR_getdents64, sys_getdents64, "dpu"},
    {__NR_access, sys_access, "so"},
    {__NR_faccessat, sys_faccessat, "Dso"},
    {__NR_faccessat2, sys_faccessat2, "Dsox"},
    {__NR_getcwd, sys_getcwd, "pu"},
    {__NR_chdir, sys_chdir, "s"},
    {__NR_fchdir, sys_fchdir, "d"},
    {__NR_ioctl, sys_ioctl, "dxx"},
    {__NR_fcntl, sys_fcntl, "ddx"},
    {__NR_dup, sys_dup, "d"},
    {__NR_dup2, sys_dup2, "dd"},
    {__NR_dup3, sys_dup3, "ddx"},
    {__NR_umask, sys_umask, "o"},
    {__NR_mkdir, sys_mkdir, "so"},
    {__NR_mkdirat, sys_mkdirat, "Dso"},
    {__NR_rmdir, sys_rmdir, "s"},
    {__NR_unlink, sys_unlink, "s"},
    {__NR_unlinkat, sys_unlinkat, "Dsx"},
    {__NR_rename, sys_rename, "ss"},
    {__NR_renameat, sys_renameat2, "DsDs"},
    {__NR_renameat2, sys_renameat2, "DsDsx"},
    {__NR_symlink, sys_symlink, "ss"},
    {__NR_symlinkat, sys_symlinkat, "sDs"},
    {__NR_link, sys_link, "ss"},
    {__NR_linkat, sys_linkat, "DsDsx"},
    {__NR_truncate, sys_truncate, "sl"},
    {__NR_ftruncate, sys_ftruncate, "dl"},
};

}  // namespace

std::span<const SyscallSpec> fs_syscalls() { return kSpecs; }

}  // namespace cella::syscall
