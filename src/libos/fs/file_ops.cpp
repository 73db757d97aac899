#include "file_ops.h"

#include <asm-generic/errno.h>
#include <linux/fcntl.h>

#include "libos/process/process.h"

namespace cella::fs {
namespace {

using base::Error;

constexpr int kAccessReadOk = 4, kAccessWriteOk = 2, kAccessExecOk = 1;

// The directory a relative path starts from: the cwd, or what dirfd names.
Result<base::String> start_directory(process::Process& process, int dirfd, std::string_view path) {
    if (!path.empty() && path[0] == '/') return base::String{};
    if (dirfd == AT_FDCWD) return process.cwd().try_clone();
    RefPtr<OpenFile> file = TRY(process.fds().get(dirfd));
    Inode* inode = file->inode();
    if (!inode || !inode->is_directory()) return Error::from_errno(ENOTDIR);
    return file->path().try_clone();
}

}  // namespace

Result<ResolvedPath> lookup_at(process::Process& process, int dirfd, std::string_view path, int at_flags) {
    if (path.empty()) {
        if (!(at_flags & AT_EMPTY_PATH)) return Error::from_errno(ENOENT);
        if (dirfd == AT_FDCWD) return vfs().resolve(process.cwd().view(), ".", true);
        RefPtr<OpenFile> file = TRY(process.fds().get(dirfd));
        if (!file->inode()) return Error::from_errno(EBADF);
        return ResolvedPath{RefPtr<Inode>(file->inode()), TRY(file->path().try_clone())};
    }
    base::String start = TRY(start_directory(process, dirfd, path));
    return vfs().resolve(start.view(), path, !(at_flags & AT_SYMLINK_NOFOLLOW));
}

Result<int> open_at(process::Process& process, int dirfd, std::string_view path, int flags, std::uint32_t) {
    int at_flags = (flags & O_NOFOLLOW) ? AT_SYMLINK_NOFOLLOW : 0;
    auto resolved = lookup_at(process, dirfd, path, at_flags);
    if (resolved.is_error()) {
        // Creating files needs a writable file system; none is mounted yet.
        if (resolved.error().code() == ENOENT && (flags & O_CREAT)) return Error::from_errno(EROFS);
        return resolved.error();
    }
    ResolvedPath found = resolved.release_value();
    Inode& inode = *found.inode;
    if ((flags & O_CREAT) && (flags & O_EXCL)) return Error::from_errno(EEXIST);
    if (inode.is_symlink()) return Error::from_errno(ELOOP);  // O_NOFOLLOW hit a link
    if ((flags & O_DIRECTORY) && !inode.is_directory()) return Error::from_errno(ENOTDIR);
    bool wants_write = (flags & 3) != O_RDONLY || (flags & O_TRUNC);
    if (!(flags & O_PATH) && wants_write) {
        if (inode.is_directory()) return Error::from_errno(EISDIR);
        if (inode.read_only()) return Error::from_errno(EROFS);
    }
    RefPtr<OpenFile> file = TRY(inode.open(flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC)));
    if (file->path().is_empty()) TRY(file->set_path(found.path.view()));
    return process.fds().install(file, flags & O_CLOEXEC);
}

Result<FileStat> stat_at(process::Process& process, int dirfd, std::string_view path, int at_flags) {
    if (path.empty() && (at_flags & AT_EMPTY_PATH) && dirfd != AT_FDCWD) {
        RefPtr<OpenFile> file = TRY(process.fds().get(dirfd));
        return file->stat();
    }
    ResolvedPath found = TRY(lookup_at(process, dirfd, path, at_flags));
    return found.inode->stat();
}

Result<std::size_t> read_link_at(process::Process& process, int dirfd, std::string_view path, std::span<char> out) {
    ResolvedPath found = TRY(lookup_at(process, dirfd, path, AT_SYMLINK_NOFOLLOW | (path.empty() ? AT_EMPTY_PATH : 0)));
    if (!found.inode->is_symlink()) return Error::from_errno(EINVAL);
    return found.inode->read_link(out);
}

Result<void> access_at(process::Process& process, int dirfd, std::string_view path, int mode, int at_flags) {
    if (mode & ~(kAccessReadOk | kAccessWriteOk | kAccessExecOk)) return Error::from_errno(EINVAL);
    ResolvedPath found = TRY(lookup_at(process, dirfd, path, at_flags));
    if ((mode & kAccessWriteOk) && found.inode->read_only()) return Error::from_errno(EROFS);
    if ((mode & kAccessExecOk) && !found.inode->is_directory() && (found.inode->stat().mode & 0111) == 0)
        return Error::from_errno(EACCES);
    return {};
}

Result<void> change_directory(process::Process& process, std::string_view path) {
    ResolvedPath found = TRY(vfs().resolve(process.cwd().view(), path, true));
    if (!found.inode->is_directory()) return Error::from_errno(ENOTDIR);
    return process.set_cwd(found.path.view());
}

Result<void> change_directory_fd(process::Process& process, int fd) {
    RefPtr<OpenFile> file = TRY(process.fds().get(fd));
    if (!file->inode() || !file->inode()->is_directory()) return Error::from_errno(ENOTDIR);
    return process.set_cwd(file->path().view());
}

}  // namespace cella::fs
