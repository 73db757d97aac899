#pragma once
// The file-system namespace: one root, a table of mounts, and path
// resolution that follows Linux's rules (symlinks, "..", trailing slashes,
// ELOOP after 40 links). Mount points are matched by path, so a mount needs
// no directory of that name in the file system beneath it.
#include <string_view>

#include "file_system.h"
#include "inode.h"
#include "permission.h"
#include "libos/base/lock.h"
#include "libos/base/string.h"
#include "libos/base/vector.h"

namespace cella::fs {

struct ResolvedPath {
    RefPtr<Inode> inode;
    base::String path;  // canonical absolute path, symlinks resolved
};

// openat2's RESOLVE_* flags, as the resolver applies them.
inline constexpr unsigned kResolveNoXdev = 0x1, kResolveNoMagicLinks = 0x2, kResolveNoSymlinks = 0x4,
                          kResolveBeneath = 0x8, kResolveInRoot = 0x10, kResolveCached = 0x20;

class Vfs {
public:
    Result<void> mount(std::string_view target, RefPtr<Inode> root, RefPtr<FileSystem> file_system);
    bool has_root() const { return root_.get() != nullptr; }
    bool is_mount_point(std::string_view path);
    // A file system no path reaches (memfd's), for file_system_of.
    Result<void> add_internal(RefPtr<Inode> root, RefPtr<FileSystem> file_system);
    // The mounted file system `inode` belongs to (told by its device number).
    RefPtr<FileSystem> file_system_of(const Inode& inode);

    // Resolves `path` against `base` (an absolute canonical path) when
    // relative. follow_last: follow a symlink in the last component.
    Result<ResolvedPath> resolve(std::string_view base, std::string_view path, bool follow_last);
    // The same with RESOLVE_* flags: with kResolveBeneath or kResolveInRoot
    // `base` is the directory the walk may not leave (EXDEV) or is rooted
    // at; kResolveNoXdev refuses to cross a mount (EXDEV); kResolveNoSymlinks
    // and kResolveNoMagicLinks refuse to follow links (ELOOP). Magic links
    // (/proc/PID/fd/N) reach the open file itself.
    // With a caller, every folder the path passes through (the base's
    // own folders aside, as Linux starts from the cwd) needs search permission.
    Result<ResolvedPath> resolve(std::string_view base, std::string_view path, bool follow_last, unsigned resolve_flags,
                                 const Caller* caller = nullptr);

    // For calls that create or remove a name: the directory that holds the
    // last component, and that component. A last component of "." or ".."
    // is EINVAL for removal and EEXIST for creation, as on Linux; the caller
    // decides, so it is returned as is.
    struct Parent {
        ResolvedPath directory;
        base::String name;
        bool trailing_slash;
    };
    Result<Parent> resolve_parent(std::string_view base, std::string_view path, unsigned resolve_flags = 0,
                                  const Caller* caller = nullptr);

    // A process's lookups: with a root other than "/" (chroot), absolute
    // paths, absolute symlinks and ".." stay inside `root`, as
    // RESOLVE_IN_ROOT keeps them inside its base; a relative path from a
    // cwd outside the root resolves as usual, as on Linux. Paths returned
    // are canonical from the real root all the same.
    Result<ResolvedPath> resolve_in(std::string_view root, std::string_view base, std::string_view path,
                                    bool follow_last, unsigned resolve_flags = 0, const Caller* caller = nullptr);
    Result<Parent> resolve_parent_in(std::string_view root, std::string_view base, std::string_view path,
                                     unsigned resolve_flags = 0, const Caller* caller = nullptr);

    // Visits "/" and then every mount in the order they were made, under
    // the table's lock: the callback must not resolve paths.
    template <typename F>
    void for_each_mount(F&& visit) {
        base::ScopedLock guard(lock_);
        if (root_) visit(std::string_view("/"), *root_);
        for (Mount& mount : mounts_) visit(mount.path.view(), *mount.root);
    }
    // The same with each mount's file system.
    template <typename F>
    void for_each_file_system(F&& visit) {
        base::ScopedLock guard(lock_);
        if (root_) visit(std::string_view("/"), *root_, *root_file_system_);
        for (Mount& mount : mounts_) visit(mount.path.view(), *mount.root, *mount.file_system);
    }

    // Visits the mounts whose parent folder is `directory` (a canonical
    // path) with their last component, under the table's lock.
    template <typename F>
    void for_each_mount_in(std::string_view directory, F&& visit) {
        base::ScopedLock guard(lock_);
        for (Mount& mount : mounts_) {
            std::string_view path = mount.path.view();
            std::size_t slash = path.rfind('/');
            std::string_view parent = slash == 0 ? std::string_view("/") : path.substr(0, slash);
            if (parent == directory) visit(path.substr(slash + 1), *mount.root);
        }
    }

private:
    struct Mount {
        base::String path;
        RefPtr<Inode> root;
        RefPtr<FileSystem> file_system;
    };
    RefPtr<Inode> mount_at(std::string_view path);
    // For resolve_in: `path` as seen from inside `root`, when it is there.
    static Result<base::String> path_inside(std::string_view root, std::string_view base, std::string_view path);

    base::Mutex lock_;
    RefPtr<Inode> root_;
    RefPtr<FileSystem> root_file_system_;
    base::Vector<Mount> mounts_;
    base::Vector<Mount> internal_;
};

Vfs& vfs();

}  // namespace cella::fs
