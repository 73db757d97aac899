#include "open_file.h"

#include "dirent.h"
#include "locks/file_locks.h"
#include "libos/mm/user_memory.h"
#include "notify/dnotify.h"
#include "notify/events.h"
#include "libos/process/current.h"
#include "permission.h"
#include "vfs.h"

#include <asm-generic/errno.h>
#include <linux/fcntl.h>
#include <linux/fs.h>
#include <asm/ioctls.h>

#include <cstring>

namespace cella::fs {
namespace {

using base::Error;

constexpr int kChangeableStatusFlags = O_APPEND | O_NONBLOCK | FASYNC | O_DIRECT | O_NOATIME;
constexpr std::uint8_t kDirectoryType = 4;  // DT_DIR

struct MountPoint {
    base::String name;
    std::uint64_t ino;
};

// The mount points in the folder at `path`. They are listed whether or not
// the file system beneath has a folder of that name (the image need not
// have /dev or /proc), with the mounted root's inode number, as stat
// reports it.
Result<base::Vector<MountPoint>> mount_points_in(std::string_view path) {
    base::Vector<MountPoint> out;
    Result<void> status;
    vfs().for_each_mount_in(path, [&](std::string_view name, Inode& root) {
        if (status.is_error()) return;
        auto copy = base::String::from(name);
        if (copy.is_error()) {
            status = copy.error();
            return;
        }
        status = out.try_append(MountPoint{copy.release_value(), root.stat().ino});
    });
    TRY(status);
    return out;
}

bool is_mount_point(const base::Vector<MountPoint>& mounts, std::string_view name) {
    for (const MountPoint& mount : mounts)
        if (mount.name == name) return true;
    return false;
}

}  // namespace

OpenFile::~OpenFile() {
    if (holds_locks_) locks::open_file_gone(*this);
}

Result<std::size_t> OpenFile::read(std::span<std::uint8_t>) { return Error::from_errno(EINVAL); }
Result<std::size_t> OpenFile::write(std::span<const std::uint8_t>) { return Error::from_errno(EINVAL); }
Result<std::size_t> OpenFile::pread(std::span<std::uint8_t>, std::uint64_t) { return Error::from_errno(ESPIPE); }
Result<std::size_t> OpenFile::pwrite(std::span<const std::uint8_t>, std::uint64_t) {
    return Error::from_errno(ESPIPE);
}
Result<std::int64_t> OpenFile::seek(std::int64_t, int) { return Error::from_errno(ESPIPE); }
Result<FileStat> OpenFile::stat() { return Error::from_errno(EINVAL); }
Result<long> OpenFile::ioctl(unsigned long, std::uint64_t) { return Error::from_errno(ENOTTY); }
Result<std::size_t> OpenFile::getdents64(std::span<std::uint8_t>) { return Error::from_errno(ENOTDIR); }
Result<long> OpenFile::fcntl_special(int, std::uint64_t) { return Error::from_errno(EINVAL); }

void OpenFile::set_status_flags(int flags) {
    flags_ = (flags_ & ~kChangeableStatusFlags) | (flags & kChangeableStatusFlags);
}

Result<void> OpenFile::set_path(std::string_view path) {
    path_ = TRY(base::String::from(path));
    return {};
}

InodeFile::~InodeFile() {
    if (inode_->is_directory()) notify::forget_directory(*this);
    if ((flags_ & O_PATH) || !notify::active()) return;
    notify::file_event(*inode_, writable() ? notify::kCloseWrite : notify::kCloseNoWrite, path_.view());
}

Result<std::size_t> InodeFile::read(std::span<std::uint8_t> out) {
    if (!readable()) return Error::from_errno(EBADF);
    std::size_t n;
    {
        base::ScopedLock guard(lock_);
        n = TRY(inode_->read_at(offset_, out));
        offset_ += n;
    }
    if (n) notify::file_event(*inode_, notify::kAccess, path_.view());
    return n;
}

Result<std::size_t> InodeFile::write(std::span<const std::uint8_t> data) {
    if (!writable()) return Error::from_errno(EBADF);
    TRY(drop_set_ids_on_write(*inode_, Caller::of(process::current_process())));
    std::size_t n;
    {
        base::ScopedLock guard(lock_);
        if (flags_ & O_APPEND) offset_ = inode_->stat().size;
        n = TRY(inode_->write_at(offset_, data));
        offset_ += n;
    }
    if (n) notify::file_event(*inode_, notify::kModify, path_.view());
    return n;
}

Result<std::size_t> InodeFile::pread(std::span<std::uint8_t> out, std::uint64_t offset) {
    if (!readable()) return Error::from_errno(EBADF);
    std::size_t n = TRY(inode_->read_at(offset, out));
    if (n) notify::file_event(*inode_, notify::kAccess, path_.view());
    return n;
}

Result<std::size_t> InodeFile::pwrite(std::span<const std::uint8_t> data, std::uint64_t offset) {
    if (!writable()) return Error::from_errno(EBADF);
    TRY(drop_set_ids_on_write(*inode_, Caller::of(process::current_process())));
    std::size_t n = TRY(inode_->write_at(offset, data));
    if (n) notify::file_event(*inode_, notify::kModify, path_.view());
    return n;
}

Result<std::int64_t> InodeFile::seek(std::int64_t offset, int whence) {
    base::ScopedLock guard(lock_);
    std::int64_t base;
    switch (whence) {
    case SEEK_SET: base = 0; break;
    case SEEK_CUR: base = static_cast<std::int64_t>(offset_); break;
    case SEEK_END: base = static_cast<std::int64_t>(inode_->stat().size); break;
    case SEEK_DATA:
    case SEEK_HOLE: {
        if (!inode_->is_regular()) return Error::from_errno(EINVAL);
        // As tmpfs: a search from before the start finds nothing.
        if (offset < 0) return Error::from_errno(ENXIO);
        std::uint64_t found = TRY(inode_->seek_data(static_cast<std::uint64_t>(offset), whence == SEEK_HOLE));
        if (found > static_cast<std::uint64_t>(INT64_MAX)) return Error::from_errno(EOVERFLOW);
        offset_ = found;
        return static_cast<std::int64_t>(found);
    }
    default: return Error::from_errno(EINVAL);
    }
    if (inode_->is_directory() && whence != SEEK_SET) return Error::from_errno(EINVAL);
    std::int64_t target;
    if (__builtin_add_overflow(base, offset, &target) || target < 0) return Error::from_errno(EINVAL);
    offset_ = static_cast<std::uint64_t>(target);
    return target;
}

// FIONREAD on a regular file: the bytes from the offset to the end, as an
// int that goes negative past the end, as Linux's do_vfs_ioctl gives it.
Result<long> InodeFile::ioctl(unsigned long request, std::uint64_t arg) {
    if (request != FIONREAD || !inode_->is_regular()) return Error::from_errno(ENOTTY);
    std::uint64_t size = inode_->stat().size, offset;
    {
        base::ScopedLock guard(lock_);
        offset = offset_;
    }
    TRY(mm::write_user(arg, static_cast<int>(size - offset)));
    return 0;
}

Result<std::size_t> InodeFile::getdents64(std::span<std::uint8_t> out) {
    if (path_only()) return Error::from_errno(EBADF);
    if (!inode_->is_directory()) return Error::from_errno(ENOTDIR);
    base::ScopedLock guard(lock_);
    base::Vector<MountPoint> mounts = TRY(mount_points_in(path_.view()));
    std::size_t written = 0;
    FileStat self = inode_->stat();
    while (true) {
        // Positions 0 and 1 are "." and "..", the mount points in this
        // folder follow, then the file system's entries, less those a
        // mount point hides.
        DirEntry entry;
        if (offset_ == 0) {
            entry = {self.ino, kDirectoryType, "."};
        } else if (offset_ == 1) {
            entry = {self.ino, kDirectoryType, ".."};
        } else if (offset_ - 2 < mounts.size()) {
            const MountPoint& mount = mounts[offset_ - 2];
            entry = {mount.ino, kDirectoryType, mount.name.view()};
        } else if (!TRY(inode_->entry_at(offset_ - 2 - mounts.size(), entry))) {
            break;
        } else if (is_mount_point(mounts, entry.name)) {
            ++offset_;
            continue;
        }
        std::uint64_t next = offset_ < 2 || !entry.next ? offset_ + 1 : entry.next + 2;
        std::size_t record = put_dirent64(out, written, entry.ino, static_cast<std::int64_t>(next), entry.type,
                                          entry.name);
        if (!record) {
            if (written == 0) return Error::from_errno(EINVAL);
            break;
        }
        written += record;
        offset_ = next;
    }
    if (written) notify::file_event(*inode_, notify::kAccess, path_.view());
    return written;
}

}  // namespace cella::fs
