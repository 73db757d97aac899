#include "file_ops.h"

#include <asm-generic/errno.h>
#include <linux/fcntl.h>

#include "libos/base/format.h"
#include "libos/process/process.h"
#include "notify/events.h"
#include "permission.h"

namespace cella::fs {
namespace {

using base::Error;

constexpr int kAccessReadOk = 4, kAccessWriteOk = 2, kAccessExecOk = 1;

// The directory a relative path starts from: the cwd, or what dirfd names.
// A scoped walk (RESOLVE_BENEATH, RESOLVE_IN_ROOT) needs it for absolute paths too.
Result<base::String> start_directory(process::Process& process, int dirfd, std::string_view path,
                                     unsigned resolve_flags = 0) {
    bool scoped = resolve_flags & (kResolveBeneath | kResolveInRoot);
    if (!path.empty() && path[0] == '/' && !scoped) return base::String{};
    if (dirfd == AT_FDCWD) return process.cwd().try_clone();
    RefPtr<OpenFile> file = TRY(process.fds().get(dirfd));
    Inode* inode = file->inode();
    if (!inode || !inode->is_directory()) return Error::from_errno(ENOTDIR);
    return file->path().try_clone();
}

}  // namespace

namespace {

Result<ResolvedPath> lookup_as(process::Process& process, int dirfd, std::string_view path, int at_flags,
                               unsigned resolve_flags, const Caller& caller) {
    if (path.empty()) {
        if (!(at_flags & AT_EMPTY_PATH)) return Error::from_errno(ENOENT);
        if (dirfd == AT_FDCWD) return vfs().resolve_in(process.root(), process.cwd().view(), ".", true, 0, &caller);
        RefPtr<OpenFile> file = TRY(process.fds().get(dirfd));
        if (!file->inode()) return Error::from_errno(EBADF);
        return ResolvedPath{RefPtr<Inode>(file->inode()), TRY(file->path().try_clone())};
    }
    base::String start = TRY(start_directory(process, dirfd, path, resolve_flags));
    return vfs().resolve_in(process.root(), start.view(), path, !(at_flags & AT_SYMLINK_NOFOLLOW), resolve_flags, &caller);
}

}  // namespace

Result<ResolvedPath> lookup_at(process::Process& process, int dirfd, std::string_view path, int at_flags,
                               unsigned resolve_flags) {
    return lookup_as(process, dirfd, path, at_flags, resolve_flags, Caller::of(process));
}

Result<Vfs::Parent> parent_at(process::Process& process, int dirfd, std::string_view path,
                              unsigned resolve_flags = 0) {
    base::String start = TRY(start_directory(process, dirfd, path, resolve_flags));
    Caller caller = Caller::of(process);
    return vfs().resolve_parent_in(process.root(), start.view(), path, resolve_flags, &caller);
}

Result<base::String> join_path(std::string_view directory, std::string_view name) {
    base::String out = TRY(base::String::from(directory));
    if (out.view() != "/") TRY(out.try_append('/'));
    TRY(out.try_append(name));
    return out;
}

// O_CREAT: the file at `path`, made if missing. `created` tells which.
// A dangling symlink in the last component is followed, and the file is
// made where it points, as on Linux (O_EXCL and O_NOFOLLOW refuse it).
Result<ResolvedPath> open_or_create(process::Process& process, int dirfd, std::string_view path, int flags,
                                    std::uint32_t mode, unsigned resolve_flags, bool& created) {
    created = false;
    base::String link_target;  // the path being created, once a link was followed
    for (int links = 0;; ++links) {
        Vfs::Parent parent = TRY(parent_at(process, dirfd, path, resolve_flags));
        if (parent.trailing_slash) return Error::from_errno(EISDIR);
        std::string_view name = parent.name.view();
        if (name == "." || name == "..") return Error::from_errno(EISDIR);
        auto existing = lookup_at(process, dirfd, path, AT_SYMLINK_NOFOLLOW, resolve_flags);
        if (existing.is_error()) {
            if (existing.error().code() != ENOENT) return existing.error();
            Caller caller = Caller::of(process);
            TRY(check_create(*parent.directory.inode, caller));
            RefPtr<Inode> made = TRY(parent.directory.inode->create_file(name, mode & ~process.umask()));
            TRY(give_new_node_owner(*parent.directory.inode, *made, caller));
            notify::name_event(*parent.directory.inode, notify::kCreate, name, false);
            created = true;
            return ResolvedPath{made, TRY(join_path(parent.directory.path.view(), name))};
        }
        if (flags & O_EXCL) return Error::from_errno(EEXIST);
        if (!existing.value().inode->is_symlink() || (flags & O_NOFOLLOW)) return existing;  // open_at refuses a link
        auto followed = lookup_at(process, dirfd, path, 0, resolve_flags);
        // openat2's scoped walks do not create through a dangling link.
        if (!followed.is_error() || followed.error().code() != ENOENT || resolve_flags) return followed;
        if (links == 40) return Error::from_errno(ELOOP);
        char target[4096];
        std::size_t length = TRY(existing.value().inode->read_link({target, sizeof target}));
        std::string_view relative(target, length);
        link_target = relative.starts_with('/') ? TRY(base::String::from(relative))
                                                : TRY(join_path(parent.directory.path.view(), relative));
        path = link_target.view();
        dirfd = AT_FDCWD;
    }
}

// O_TMPFILE: an unnamed file in the directory `path` names.
Result<int> open_unnamed(process::Process& process, int dirfd, std::string_view path, int flags, std::uint32_t mode,
                         unsigned resolve_flags) {
    if ((flags & (O_TMPFILE | O_CREAT)) != O_TMPFILE || (flags & O_ACCMODE) == O_RDONLY) return Error::from_errno(EINVAL);
    ResolvedPath directory = TRY(lookup_at(process, dirfd, path, 0, resolve_flags));
    if (!directory.inode->is_directory()) return Error::from_errno(ENOTDIR);
    Caller caller = Caller::of(process);
    TRY(check_create(*directory.inode, caller));
    RefPtr<Inode> inode = TRY(directory.inode->create_unnamed(mode & ~process.umask(), !(flags & O_EXCL)));
    TRY(give_new_node_owner(*directory.inode, *inode, caller));
    RefPtr<OpenFile> file = TRY(inode->open(flags & ~(O_TMPFILE | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC)));
    // Linux names it "#INODE (deleted)" in its directory.
    char name[48];
    base::format_to(name, sizeof name, "#%lu (deleted)", static_cast<unsigned long>(inode->stat().ino));
    TRY(file->set_path(TRY(join_path(directory.path.view(), name)).view()));
    return process.fds().install(file, flags & O_CLOEXEC);
}

Result<int> open_at(process::Process& process, int dirfd, std::string_view path, int flags, std::uint32_t mode,
                    unsigned resolve_flags) {
    if (flags & __O_TMPFILE)
        return open_unnamed(process, dirfd, path, flags, mode, resolve_flags);
    int at_flags = (flags & O_NOFOLLOW) ? AT_SYMLINK_NOFOLLOW : 0;
    bool created = false;
    auto resolved = (flags & O_CREAT) ? open_or_create(process, dirfd, path, flags, mode, resolve_flags, created)
                                      : lookup_at(process, dirfd, path, at_flags, resolve_flags);
    if (resolved.is_error()) return resolved.error();
    ResolvedPath found = resolved.release_value();
    Inode& inode = *found.inode;
    // O_NOFOLLOW hit a link: only O_PATH opens the link itself.
    if (inode.is_symlink() && !(flags & O_PATH)) return Error::from_errno(ELOOP);
    if ((flags & O_DIRECTORY) && !inode.is_directory()) return Error::from_errno(ENOTDIR);
    if ((flags & O_CREAT) && inode.is_directory()) return Error::from_errno(EISDIR);
    bool wants_write = (flags & 3) != O_RDONLY || (flags & O_TRUNC);
    if (!(flags & O_PATH) && wants_write) {
        if (inode.is_directory()) return Error::from_errno(EISDIR);
        if (inode.read_only()) return Error::from_errno(EROFS);
    }
    Caller caller = Caller::of(process);
    if (!(flags & O_PATH) && !created) {
        int may = ((flags & 3) == O_RDONLY ? kMayRead : (flags & 3) == O_WRONLY ? kMayWrite : kMayRead | kMayWrite) |
                  ((flags & O_TRUNC) ? kMayWrite : 0);
        TRY(check_permission(inode, may, caller));
    }
    if ((flags & O_TRUNC) && inode.is_regular() && (flags & 3) != O_RDONLY && !created) {
        TRY(drop_set_ids_on_write(inode, caller));
        TRY(inode.truncate(0));
        notify::file_event(inode, notify::kModify, found.path.view());
    }
    RefPtr<OpenFile> file = TRY(inode.open(flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_CLOEXEC)));
    if (file->path().is_empty()) TRY(file->set_path(found.path.view()));
    int fd = TRY(process.fds().install(file, flags & O_CLOEXEC));
    if (!(flags & O_PATH)) notify::file_event(inode, notify::kOpen, found.path.view());
    return fd;
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
    // An empty path names dirfd itself (a symlink opened with O_PATH); for
    // anything else, Linux answers ENOENT rather than EINVAL.
    if (path.empty() && dirfd == AT_FDCWD) return Error::from_errno(ENOENT);
    ResolvedPath found = TRY(lookup_at(process, dirfd, path, AT_SYMLINK_NOFOLLOW | (path.empty() ? AT_EMPTY_PATH : 0)));
    if (!found.inode->is_symlink()) return Error::from_errno(path.empty() ? ENOENT : EINVAL);
    return found.inode->read_link(out);
}

Result<void> access_at(process::Process& process, int dirfd, std::string_view path, int mode, int at_flags) {
    if (mode & ~(kAccessReadOk | kAccessWriteOk | kAccessExecOk)) return Error::from_errno(EINVAL);
    // Without AT_EACCESS the whole lookup runs with the real ids, as Linux's access_override_creds.
    Caller caller = (at_flags & AT_EACCESS) ? Caller::of(process) : Caller::real_ids_of(process);
    ResolvedPath found = TRY(lookup_as(process, dirfd, path, at_flags, 0, caller));
    if ((mode & kAccessWriteOk) && found.inode->read_only()) return Error::from_errno(EROFS);
    static_assert(kAccessReadOk == kMayRead && kAccessWriteOk == kMayWrite && kAccessExecOk == kMayExec);
    return check_permission(*found.inode, mode, caller);
}

Result<void> change_directory(process::Process& process, std::string_view path) {
    Caller caller = Caller::of(process);
    ResolvedPath found = TRY(vfs().resolve_in(process.root(), process.cwd().view(), path, true, 0, &caller));
    if (!found.inode->is_directory()) return Error::from_errno(ENOTDIR);
    TRY(check_permission(*found.inode, kMayExec, caller));
    return process.set_cwd(found.path.view());
}

Result<base::String> path_seen_from_root(process::Process& process, std::string_view path) {
    std::string_view root = process.root();
    if (root == "/") return base::String::from(path);
    if (path.starts_with(root) && (path.size() == root.size() || path[root.size()] == '/'))
        return base::String::from(path.size() == root.size() ? std::string_view("/") : path.substr(root.size()));
    base::String shown = TRY(base::String::from("(unreachable)"));
    TRY(shown.try_append(path));
    return shown;
}

Result<void> change_root(process::Process& process, std::string_view path) {
    ResolvedPath found = TRY(vfs().resolve_in(process.root(), process.cwd().view(), path, true));
    if (!found.inode->is_directory()) return Error::from_errno(ENOTDIR);
    return process.set_root(found.path.view());
}

Result<void> change_directory_fd(process::Process& process, int fd) {
    RefPtr<OpenFile> file = TRY(process.fds().get(fd));
    if (!file->inode() || !file->inode()->is_directory()) return Error::from_errno(ENOTDIR);
    TRY(check_permission(*file->inode(), kMayExec, Caller::of(process)));
    return process.set_cwd(file->path().view());
}

Result<void> make_directory_at(process::Process& process, int dirfd, std::string_view path, std::uint32_t mode) {
    // The root and mount points exist without an entry in the directory
    // above them (busybox `mkdir -p` makes "/" first).
    if (!lookup_at(process, dirfd, path, AT_SYMLINK_NOFOLLOW).is_error()) return Error::from_errno(EEXIST);
    Vfs::Parent parent = TRY(parent_at(process, dirfd, path));
    std::string_view name = parent.name.view();
    if (name == "." || name == "..") return Error::from_errno(EEXIST);
    if (!parent.directory.inode->lookup(name).is_error()) return Error::from_errno(EEXIST);
    Caller caller = Caller::of(process);
    TRY(check_create(*parent.directory.inode, caller));
    RefPtr<Inode> made = TRY(parent.directory.inode->make_directory(name, mode & ~process.umask()));
    TRY(give_new_node_owner(*parent.directory.inode, *made, caller));
    notify::name_event(*parent.directory.inode, notify::kCreate, name, true);
    return {};
}

Result<void> remove_at(process::Process& process, int dirfd, std::string_view path, int flags) {
    if (flags & ~AT_REMOVEDIR) return Error::from_errno(EINVAL);
    bool directory = flags & AT_REMOVEDIR;
    auto found = parent_at(process, dirfd, path);
    // The root: busy for rmdir, a directory for unlink.
    if (found.is_error() && found.error().code() == EBUSY && !directory) return Error::from_errno(EISDIR);
    Vfs::Parent parent = TRY(static_cast<Result<Vfs::Parent>&&>(found));
    std::string_view name = parent.name.view();
    if (directory && name == ".") return Error::from_errno(EINVAL);
    if (directory && name == "..") return Error::from_errno(ENOTEMPTY);
    if (!directory && (name == "." || name == "..")) return Error::from_errno(EISDIR);
    if (!directory && parent.trailing_slash) {
        RefPtr<Inode> target = TRY(parent.directory.inode->lookup(name));
        return Error::from_errno(target->is_directory() ? EISDIR : ENOTDIR);
    }
    Caller caller = Caller::of(process);
    RefPtr<Inode> victim;
    if (!caller.privileged() || notify::active()) victim = TRY(parent.directory.inode->lookup(name));
    if (!caller.privileged()) TRY(check_delete(*parent.directory.inode, *victim, caller));
    TRY(parent.directory.inode->remove(name, directory));
    if (victim) {
        if (!directory) notify::file_event(*victim, notify::kAttrib);  // its link count
        notify::link_removed(*victim);
        notify::name_event(*parent.directory.inode, notify::kDelete, name, directory);
    }
    return {};
}

Result<void> rename_at(process::Process& process, int old_dirfd, std::string_view old_path, int new_dirfd,
                       std::string_view new_path, unsigned flags) {
    constexpr unsigned kNoReplace = 1;  // RENAME_NOREPLACE
    if (flags & ~kNoReplace) return Error::from_errno(EINVAL);
    Vfs::Parent from = TRY(parent_at(process, old_dirfd, old_path));
    Vfs::Parent to = TRY(parent_at(process, new_dirfd, new_path));
    for (std::string_view name : {from.name.view(), to.name.view()})
        if (name == "." || name == "..") return Error::from_errno(EBUSY);
    RefPtr<Inode> moving = TRY(from.directory.inode->lookup(from.name.view()));
    if ((from.trailing_slash || to.trailing_slash) && !moving->is_directory()) return Error::from_errno(ENOTDIR);
    if (from.directory.inode->stat().dev != to.directory.inode->stat().dev) return Error::from_errno(EXDEV);
    Caller caller = Caller::of(process);
    RefPtr<Inode> replaced_node;
    if (notify::active()) {
        auto replaced = to.directory.inode->lookup(to.name.view());
        if (!replaced.is_error()) replaced_node = replaced.release_value();
    }
    if (!caller.privileged()) {
        TRY(check_delete(*from.directory.inode, *moving, caller));
        auto replaced = to.directory.inode->lookup(to.name.view());
        if (replaced.is_error())
            TRY(check_create(*to.directory.inode, caller));
        else
            TRY(check_delete(*to.directory.inode, *replaced.value(), caller));
        // A folder that changes parent has its ".." rewritten.
        if (moving->is_directory() && !from.directory.inode->same_as(*to.directory.inode))
            TRY(check_permission(*moving, kMayWrite, caller));
    }
    TRY(from.directory.inode->rename(from.name.view(), *to.directory.inode, to.name.view(), flags & kNoReplace));
    if (notify::active() && !(replaced_node && replaced_node->same_as(*moving))) {
        std::uint32_t cookie = notify::next_cookie();
        bool is_dir = moving->is_directory();
        notify::name_event(*from.directory.inode, notify::kMovedFrom, from.name.view(), is_dir, cookie);
        notify::name_event(*to.directory.inode, notify::kMovedTo, to.name.view(), is_dir, cookie);
        if (replaced_node) {
            if (!replaced_node->is_directory()) notify::file_event(*replaced_node, notify::kAttrib);
            notify::link_removed(*replaced_node);
        }
        notify::file_event(*moving, notify::kMoveSelf);
    }
    return {};
}

Result<void> symlink_at(process::Process& process, std::string_view target, int dirfd, std::string_view path) {
    if (target.empty()) return Error::from_errno(ENOENT);
    Vfs::Parent parent = TRY(parent_at(process, dirfd, path));
    if (parent.trailing_slash) return Error::from_errno(ENOENT);
    std::string_view name = parent.name.view();
    if (name == "." || name == ".." || !parent.directory.inode->lookup(name).is_error())
        return Error::from_errno(EEXIST);
    Caller caller = Caller::of(process);
    TRY(check_create(*parent.directory.inode, caller));
    RefPtr<Inode> made = TRY(parent.directory.inode->make_symlink(name, target));
    TRY(give_new_node_owner(*parent.directory.inode, *made, caller));
    notify::name_event(*parent.directory.inode, notify::kCreate, name, false);
    return {};
}

Result<void> link_at(process::Process& process, int old_dirfd, std::string_view old_path, int new_dirfd,
                     std::string_view new_path, int flags) {
    if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH)) return Error::from_errno(EINVAL);
    ResolvedPath existing = TRY(lookup_at(process, old_dirfd, old_path,
                                          ((flags & AT_SYMLINK_FOLLOW) ? 0 : AT_SYMLINK_NOFOLLOW) |
                                              (flags & AT_EMPTY_PATH)));
    if (existing.inode->is_directory()) return Error::from_errno(EPERM);
    Vfs::Parent parent = TRY(parent_at(process, new_dirfd, new_path));
    std::string_view name = parent.name.view();
    if (name == "." || name == ".." || !parent.directory.inode->lookup(name).is_error())
        return Error::from_errno(EEXIST);
    if (existing.inode->stat().dev != parent.directory.inode->stat().dev) return Error::from_errno(EXDEV);
    TRY(check_create(*parent.directory.inode, Caller::of(process)));
    TRY(parent.directory.inode->add_link(name, *existing.inode));
    notify::file_event(*existing.inode, notify::kAttrib, existing.path.view());
    notify::name_event(*parent.directory.inode, notify::kCreate, name, false);
    return {};
}

Result<void> truncate_at(process::Process& process, std::string_view path, std::int64_t size) {
    if (size < 0) return Error::from_errno(EINVAL);
    ResolvedPath found = TRY(lookup_at(process, AT_FDCWD, path, 0));
    if (found.inode->is_directory()) return Error::from_errno(EISDIR);
    if (!found.inode->is_regular()) return Error::from_errno(EINVAL);
    if (found.inode->read_only()) return Error::from_errno(EROFS);
    Caller caller = Caller::of(process);
    TRY(check_permission(*found.inode, kMayWrite, caller));
    TRY(drop_set_ids_on_write(*found.inode, caller));
    TRY(found.inode->truncate(static_cast<std::uint64_t>(size)));
    notify::file_event(*found.inode, notify::kModify, found.path.view());
    return {};
}


Result<RefPtr<Inode>> make_node_at(process::Process& process, int dirfd, std::string_view path, std::uint32_t mode) {
    constexpr std::uint32_t kTypeMask = 0170000, kRegular = 0100000, kDirectory = 0040000, kCharDevice = 0020000,
                            kBlockDevice = 0060000, kFifo = 0010000, kSocket = 0140000;
    std::uint32_t type = mode & kTypeMask;
    if (type == 0) type = kRegular;
    // No device nodes: the enclave has no devices behind them (Linux lets root make one).
    if (type == kDirectory || type == kCharDevice || type == kBlockDevice) return Error::from_errno(EPERM);
    if (type != kRegular && type != kFifo && type != kSocket) return Error::from_errno(EINVAL);
    Vfs::Parent parent = TRY(parent_at(process, dirfd, path));
    std::string_view name = parent.name.view();
    if (name == "." || name == ".." || !parent.directory.inode->lookup(name).is_error())
        return Error::from_errno(EEXIST);
    if (parent.trailing_slash) return Error::from_errno(ENOENT);
    Caller caller = Caller::of(process);
    TRY(check_create(*parent.directory.inode, caller));
    std::uint32_t permissions = mode & 07777 & ~process.umask();
    RefPtr<Inode> made = type == kRegular ? TRY(parent.directory.inode->create_file(name, permissions))
                                          : TRY(parent.directory.inode->make_special(name, type | permissions));
    TRY(give_new_node_owner(*parent.directory.inode, *made, caller));
    notify::name_event(*parent.directory.inode, notify::kCreate, name, false);
    return made;
}

}  // namespace cella::fs
