#include "vfs.h"

#include <asm-generic/errno.h>

#include "libos/base/global.h"

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

Result<base::String> join(const base::Vector<base::String>& names) {
    base::String out;
    if (names.is_empty()) TRY(out.try_append('/'));
    for (const base::String& name : names) {
        TRY(out.try_append('/'));
        TRY(out.try_append(name.view()));
    }
    return out;
}

}  // namespace

Vfs& vfs() {
    if (!g_vfs.is_constructed()) g_vfs.construct();
    return g_vfs.get();
}

Result<void> Vfs::mount(std::string_view target, RefPtr<Inode> root) {
    base::ScopedLock guard(lock_);
    if (target == "/") {
        root_ = root;
        return {};
    }
    if (target.empty() || target[0] != '/') return Error::from_errno(EINVAL);
    while (target.size() > 1 && target.back() == '/') target.remove_suffix(1);
    for (Mount& existing : mounts_) {
        if (existing.path == target) {
            existing.root = root;
            return {};
        }
    }
    return mounts_.try_append(Mount{TRY(base::String::from(target)), root});
}

RefPtr<Inode> Vfs::mount_at(std::string_view path) {
    for (Mount& mount : mounts_)
        if (mount.path == path) return mount.root;
    return nullptr;
}

Result<ResolvedPath> Vfs::resolve(std::string_view base, std::string_view path, bool follow_last) {
    if (path.empty()) return Error::from_errno(ENOENT);
    if (path.size() >= kMaxPath) return Error::from_errno(ENAMETOOLONG);
    base::ScopedLock guard(lock_);
    if (!root_) return Error::from_errno(ENOENT);

    base::String remaining;
    if (path[0] != '/') {
        TRY(remaining.try_append(base));
        TRY(remaining.try_append('/'));
    }
    TRY(remaining.try_append(path));
    bool wants_directory = path.back() == '/';

    base::Vector<RefPtr<Inode>> nodes;
    base::Vector<base::String> names;
    TRY(nodes.try_append(root_));
    int symlinks = 0;
    std::size_t pos = 0;
    while (true) {
        std::string_view component = next_component(remaining.view(), pos);
        if (component.empty()) break;
        bool is_last = only_slashes_after(remaining.view(), pos);
        if (component == ".") continue;
        if (component == "..") {
            if (nodes.size() > 1) {
                nodes.take_last();
                names.take_last();
            }
            continue;
        }
        if (component.size() > 255) return Error::from_errno(ENAMETOOLONG);
        RefPtr<Inode> dir = nodes.last();
        if (!dir->is_directory()) return Error::from_errno(ENOTDIR);

        TRY(names.try_append(TRY(base::String::from(component))));
        RefPtr<Inode> child;
        base::String here = TRY(join(names));
        if (RefPtr<Inode> mounted = mount_at(here.view())) {
            child = mounted;
        } else {
            auto found = dir->lookup(component);
            if (found.is_error()) return found.error();
            child = found.release_value();
        }

        if (child->is_symlink() && (!is_last || follow_last || wants_directory)) {
            if (++symlinks > kMaxSymlinks) return Error::from_errno(ELOOP);
            char target[kMaxPath];
            std::size_t length = TRY(child->read_link({target, sizeof target}));
            if (length == 0) return Error::from_errno(ENOENT);
            names.take_last();
            base::String spliced;
            TRY(spliced.try_append(std::string_view(target, length)));
            TRY(spliced.try_append('/'));
            TRY(spliced.try_append(remaining.view().substr(pos)));
            if (target[0] == '/') {
                nodes.clear();
                names.clear();
                TRY(nodes.try_append(root_));
            }
            remaining = static_cast<base::String&&>(spliced);
            pos = 0;
            continue;
        }
        TRY(nodes.try_append(child));
    }
    RefPtr<Inode> result = nodes.last();
    if (wants_directory && !result->is_directory()) return Error::from_errno(ENOTDIR);
    return ResolvedPath{result, TRY(join(names))};
}

Result<Vfs::Parent> Vfs::resolve_parent(std::string_view base, std::string_view path) {
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
    ResolvedPath parent = TRY(resolve(base, directory, true));
    if (!parent.inode->is_directory()) return Error::from_errno(ENOTDIR);
    return Parent{static_cast<ResolvedPath&&>(parent), TRY(base::String::from(name)), trailing_slash};
}

}  // namespace cella::fs
