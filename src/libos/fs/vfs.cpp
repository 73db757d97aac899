#include "vfs.h"

#include <asm-generic/errno.h>

#include "libos/base/global.h"
#include "open_file.h"
#include "open_file_alias.h"

namespace cella::fs {
namespace {

using base::Error;

constexpr int kMaxSymlinks = 40;
constexpr std::size_t kMaxPath = 4096;

base::Global<Vfs> g_vfs;

// The next component of `path` from `pos`, skipping slashes; empty at the end.
std::string_view next_component(std::string_view path, std::size_t& pos) {
    while (pos < path.size() && path[pos] == '/') ++pos;
    std::size_t start = pos;
    while (pos < path.size() && path[pos] != '/') ++pos;
    return path.substr(start, pos - start);
}

bool only_slashes_after(std::string_view path, std::size_t pos) {
    for (; pos < path.size(); ++pos)
        if (path[pos] != '/') return false;
    return true;
}

// The canonical path of a walk so far, one string with where each name
// starts, so that going down or up a folder allocates nothing once the
// string has room (every lookup used to join all the names again).
class WalkPath {
public:
    Result<void> push(std::string_view name) {
        TRY(starts_.try_append(text_.size()));
        TRY(text_.try_append('/'));
        return text_.try_append(name);
    }
    void pop() { text_.truncate(starts_.take_last()); }
    std::string_view view() const { return text_.is_empty() ? std::string_view("/") : text_.view(); }
    Result<base::String> copy() const { return base::String::from(view()); }

private:
    base::String text_;
    base::Vector<std::size_t> starts_;
};

}  // namespace

Vfs& vfs() {
    if (!g_vfs.is_constructed()) g_vfs.construct();
    return g_vfs.get();
}

Result<void> Vfs::mount(std::string_view target, RefPtr<Inode> root, RefPtr<FileSystem> file_system) {
    if (!root || !file_system) return Error::from_errno(EINVAL);
    base::ScopedLock guard(lock_);
    if (target == "/") {
        root_ = root;
        root_file_system_ = file_system;
        return {};
    }
    if (target.empty() || target[0] != '/') return Error::from_errno(EINVAL);
    while (target.size() > 1 && target.back() == '/') target.remove_suffix(1);
    for (Mount& existing : mounts_) {
        if (existing.path == target) {
            existing.root = root;
            existing.file_system = file_system;
            return {};
        }
    }
    return mounts_.try_append(Mount{TRY(base::String::from(target)), root, file_system});
}

bool Vfs::is_mount_point(std::string_view path) {
    base::ScopedLock guard(lock_);
    return path == "/" || mount_at(path);
}

Result<void> Vfs::add_internal(RefPtr<Inode> root, RefPtr<FileSystem> file_system) {
    base::ScopedLock guard(lock_);
    return internal_.try_append(Mount{base::String{}, root, file_system});
}

RefPtr<FileSystem> Vfs::file_system_of(const Inode& inode) {
    std::uint64_t dev = inode.stat().dev;
    base::ScopedLock guard(lock_);
    for (Mount& mount : mounts_)
        if (mount.root->stat().dev == dev) return mount.file_system;
    for (Mount& mount : internal_)
        if (mount.root->stat().dev == dev) return mount.file_system;
    return root_file_system_;
}

RefPtr<Inode> Vfs::mount_at(std::string_view path) {
    for (Mount& mount : mounts_)
        if (mount.path == path) return mount.root;
    return nullptr;
}

Result<ResolvedPath> Vfs::resolve(std::string_view base, std::string_view path, bool follow_last) {
    return resolve(base, path, follow_last, 0);
}

Result<ResolvedPath> Vfs::resolve(std::string_view base, std::string_view path, bool follow_last,
                                  unsigned resolve_flags, const Caller* caller) {
    if (path.empty()) return Error::from_errno(ENOENT);
    if (path.size() >= kMaxPath) return Error::from_errno(ENAMETOOLONG);
    bool beneath = resolve_flags & kResolveBeneath;
    bool in_root = resolve_flags & kResolveInRoot;
    bool scoped = beneath || in_root;
    if (beneath && path[0] == '/') return Error::from_errno(EXDEV);
    base::ScopedLock guard(lock_);
    if (!root_) return Error::from_errno(ENOENT);

    base::Vector<RefPtr<Inode>> nodes;
    WalkPath names;
    TRY(nodes.try_append(root_));
    // The base directory comes first (it is canonical: no links), so that
    // a scoped walk knows where its root is: `floor` nodes deep.
    if (path[0] != '/' || scoped) {
        std::size_t pos = 0;
        while (true) {
            std::string_view component = next_component(base, pos);
            if (component.empty()) break;
            TRY(names.push(component));
            RefPtr<Inode> child = mount_at(names.view());
            if (!child) child = TRY(nodes.last()->lookup(component));
            TRY(nodes.try_append(child));
        }
    }
    std::size_t floor = scoped ? nodes.size() : 1;
    std::uint64_t start_device = nodes.last()->stat().dev;
    auto check_device = [&](Inode& node) -> Result<void> {
        if ((resolve_flags & kResolveNoXdev) && node.stat().dev != start_device) return Error::from_errno(EXDEV);
        return {};
    };
    // Back to the root of the walk: "/" or, in a scoped walk, the base.
    auto to_root = [&]() {
        while (nodes.size() > floor) {
            nodes.take_last();
            names.pop();
        }
    };
    if (path[0] == '/') to_root();

    base::String remaining = TRY(base::String::from(path));
    bool wants_directory = path.back() == '/';
    int symlinks = 0;
    std::size_t pos = 0;
    while (true) {
        std::string_view component = next_component(remaining.view(), pos);
        if (component.empty()) break;
        bool is_last = only_slashes_after(remaining.view(), pos);
        // Every component, "." and ".." too, needs search permission on the folder it is looked up in.
        if (caller && !caller->privileged() && nodes.last()->is_directory())
            TRY(check_permission(*nodes.last(), kMayExec, *caller));
        if (component == ".") continue;
        if (component == "..") {
            if (nodes.size() > floor) {
                nodes.take_last();
                names.pop();
                TRY(check_device(*nodes.last()));
            } else if (beneath) {
                return Error::from_errno(EXDEV);
            }
            continue;
        }
        if (component.size() > 255) return Error::from_errno(ENAMETOOLONG);
        RefPtr<Inode> dir = nodes.last();
        if (!dir->is_directory()) return Error::from_errno(ENOTDIR);

        TRY(names.push(component));
        RefPtr<Inode> child;
        if (RefPtr<Inode> mounted = mount_at(names.view())) {
            child = mounted;
        } else {
            auto found = dir->lookup(component);
            if (found.is_error()) return found.error();
            child = found.release_value();
        }

        if (child->is_symlink() && (!is_last || follow_last || wants_directory)) {
            if (resolve_flags & kResolveNoSymlinks) return Error::from_errno(ELOOP);
            if (++symlinks > kMaxSymlinks) return Error::from_errno(ELOOP);
            if (RefPtr<OpenFile> file = child->magic_link_target(); file && file->inode()) {
                if (resolve_flags & kResolveNoMagicLinks) return Error::from_errno(ELOOP);
                if (scoped) return Error::from_errno(EXDEV);
                // The open file itself, named by its path as one component.
                names.pop();
                std::string_view named = file->path().view();
                while (!named.empty() && named[0] == '/') named.remove_prefix(1);
                to_root();
                TRY(names.push(named));
                TRY(nodes.try_append(RefPtr<Inode>(file->inode())));
                TRY(check_device(*nodes.last()));
                continue;
            } else if (file) {
                // A file with no inode (a pipe, a socket) is reached
                // through a node standing for it, named by the link.
                if (resolve_flags & kResolveNoMagicLinks) return Error::from_errno(ELOOP);
                if (scoped) return Error::from_errno(EXDEV);
                auto alias = TRY(base::make_ref<OpenFileAlias>(static_cast<RefPtr<OpenFile>&&>(file)));
                TRY(nodes.try_append(RefPtr<Inode>(static_cast<RefPtr<OpenFileAlias>&&>(alias))));
                continue;
            }
            char target[kMaxPath];
            std::size_t length = TRY(child->read_link({target, sizeof target}));
            if (length == 0) return Error::from_errno(ENOENT);
            names.pop();
            base::String spliced;
            TRY(spliced.try_append(std::string_view(target, length)));
            TRY(spliced.try_append('/'));
            TRY(spliced.try_append(remaining.view().substr(pos)));
            if (target[0] == '/') {
                if (beneath) return Error::from_errno(EXDEV);
                to_root();
                TRY(check_device(*nodes.last()));
            }
            remaining = static_cast<base::String&&>(spliced);
            pos = 0;
            continue;
        }
        TRY(check_device(*child));
        TRY(nodes.try_append(child));
    }
    RefPtr<Inode> result = nodes.last();
    if (wants_directory && !result->is_directory()) return Error::from_errno(ENOTDIR);
    return ResolvedPath{result, TRY(names.copy())};
}

Result<Vfs::Parent> Vfs::resolve_parent(std::string_view base, std::string_view path, unsigned resolve_flags,
                                        const Caller* caller) {
    if (path.empty()) return Error::from_errno(ENOENT);
    std::size_t end = path.size();
    while (end > 1 && path[end - 1] == '/') --end;
    bool trailing_slash = end < path.size();
    std::string_view trimmed = path.substr(0, end);
    if (trimmed == "/") return Error::from_errno(EBUSY);
    std::size_t slash = trimmed.rfind('/');
    std::string_view name = slash == std::string_view::npos ? trimmed : trimmed.substr(slash + 1);
    std::string_view directory = slash == std::string_view::npos ? std::string_view(".")
                                 : slash == 0                    ? std::string_view("/")
                                                                 : trimmed.substr(0, slash);
    if (name.size() > 255) return Error::from_errno(ENAMETOOLONG);
    ResolvedPath parent = TRY(resolve(base, directory, true, resolve_flags, caller));
    if (!parent.inode->is_directory()) return Error::from_errno(ENOTDIR);
    return Parent{static_cast<ResolvedPath&&>(parent), TRY(base::String::from(name)), trailing_slash};
}

}  // namespace cella::fs

namespace cella::fs {

Result<base::String> Vfs::path_inside(std::string_view root, std::string_view base, std::string_view path) {
    base::String inside;
    if (path[0] != '/') {
        // The cwd below the root, then the relative path.
        TRY(inside.try_append(base.substr(root.size())));
        TRY(inside.try_append('/'));
    }
    TRY(inside.try_append(path));
    return inside;
}

namespace {
bool is_within(std::string_view root, std::string_view path) {
    return path.starts_with(root) && (path.size() == root.size() || path[root.size()] == '/');
}
bool chrooted_walk(std::string_view root, std::string_view base, std::string_view path, unsigned resolve_flags) {
    if (root == "/" || path.empty() || (resolve_flags & (kResolveBeneath | kResolveInRoot))) return false;
    return path[0] == '/' || is_within(root, base);
}
}  // namespace

Result<ResolvedPath> Vfs::resolve_in(std::string_view root, std::string_view base, std::string_view path,
                                     bool follow_last, unsigned resolve_flags, const Caller* caller) {
    if (!chrooted_walk(root, base, path, resolve_flags))
        return resolve(base, path, follow_last, resolve_flags, caller);
    base::String inside = TRY(path_inside(root, base, path));
    return resolve(root, inside.view(), follow_last, resolve_flags | kResolveInRoot, caller);
}

Result<Vfs::Parent> Vfs::resolve_parent_in(std::string_view root, std::string_view base, std::string_view path,
                                           unsigned resolve_flags, const Caller* caller) {
    if (!chrooted_walk(root, base, path, resolve_flags)) return resolve_parent(base, path, resolve_flags, caller);
    base::String inside = TRY(path_inside(root, base, path));
    return resolve_parent(root, inside.view(), resolve_flags | kResolveInRoot, caller);
}

}  // namespace cella::fs
