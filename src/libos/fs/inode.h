#pragma once
// The VFS's node: one file, directory, symlink or device of some file
// system. Operations a kind of node does not support keep the default,
// which fails the way Linux does (ENOTDIR, EINVAL, ...).
#include <cstdint>
#include <span>
#include <string_view>

#include "file_stat.h"
#include "libos/base/own_ptr.h"
#include "libos/base/result.h"

namespace cella::mm {
class SharedPages;
}

namespace cella::fs {

using base::RefPtr;
using base::Result;

class OpenFile;
class XattrSet;

struct DirEntry {
    std::uint64_t ino;
    std::uint8_t type;      // DT_*
    std::string_view name;  // valid until the next call on the directory
    // The position of the entry after this one; 0 means position + 1. A
    // file system whose positions are not dense (ramfs keeps them stable
    // across removals) says where to go on.
    std::uint64_t next = 0;
};

class Inode : public base::RefCounted<Inode> {
public:
    virtual ~Inode() = default;

    virtual FileStat stat() const = 0;
    // stat().mode, which a file system may answer more cheaply.
    virtual std::uint32_t mode() const { return stat().mode; }
    std::uint32_t file_type() const { return mode() & 0170000; }
    bool is_directory() const { return file_type() == 0040000; }
    bool is_symlink() const { return file_type() == 0120000; }
    bool is_regular() const { return file_type() == 0100000; }
    // Identity for mount points and hard-link checks.
    bool same_as(const Inode& other) const {
        FileStat a = stat(), b = other.stat();
        return a.dev == b.dev && a.ino == b.ino;
    }

    // Directories
    virtual Result<RefPtr<Inode>> lookup(std::string_view name);
    // The entry at position `index` (the first one at or after it where
    // positions have gaps), without "." and ".."; false past the end.
    virtual Result<bool> entry_at(std::size_t index, DirEntry& out);

    // Changing a directory. The defaults fail with EROFS on a read-only
    // file system and ENOTDIR otherwise.
    virtual Result<RefPtr<Inode>> create_file(std::string_view name, std::uint32_t mode);
    virtual Result<RefPtr<Inode>> make_directory(std::string_view name, std::uint32_t mode);
    virtual Result<RefPtr<Inode>> make_symlink(std::string_view name, std::string_view target);
    // mknod: a FIFO or a socket (`mode` has the type and permission bits).
    virtual Result<RefPtr<Inode>> make_special(std::string_view name, std::uint32_t mode);
    virtual Result<void> add_link(std::string_view name, Inode& existing);
    // Removes a non-directory entry (unlink) or an empty directory (rmdir).
    virtual Result<void> remove(std::string_view name, bool directory);
    // Moves `name` to `new_parent`/`new_name`, replacing what is there as rename(2) does.
    virtual Result<void> rename(std::string_view name, Inode& new_parent, std::string_view new_name, bool no_replace);
    // O_TMPFILE: a file of this directory's file system with no name (link
    // count 0). `linkable`: linkat may give it one (not with O_EXCL). The
    // default is EROFS on a read-only file system, EOPNOTSUPP otherwise.
    virtual Result<RefPtr<Inode>> create_unnamed(std::uint32_t mode, bool linkable);

    // Symlinks
    virtual Result<std::size_t> read_link(std::span<char> out);
    // Magic links (/proc/PID/fd/N): following one reaches this open file
    // itself, whatever its path says. nullptr for every other link.
    virtual RefPtr<OpenFile> magic_link_target();

    // Regular files and devices
    virtual Result<std::size_t> read_at(std::uint64_t offset, std::span<std::uint8_t> out);
    virtual Result<std::size_t> write_at(std::uint64_t offset, std::span<const std::uint8_t> data);
    virtual Result<void> truncate(std::uint64_t size);
    // fallocate(2) for a regular file opened for writing, its mode
    // checked as the VFS does; the default is a file system without it.
    virtual Result<void> allocate(int mode, std::uint64_t offset, std::uint64_t length);
    // lseek's SEEK_DATA (hole false) and SEEK_HOLE; the default knows no
    // holes: all of the file is data, and its end the only hole.
    virtual Result<std::uint64_t> seek_data(std::uint64_t offset, bool hole);
    // The pages every MAP_SHARED mapping of the file maps (its page
    // cache), or nullptr for a file system without one, whose files can
    // only be mapped shared read-only, as copies.
    virtual Result<RefPtr<mm::SharedPages>> shared_pages();

    // Metadata
    virtual Result<void> set_mode(std::uint32_t mode);
    // A null time stays as it is; the change time becomes now.
    virtual Result<void> set_times(const Timestamp* access, const Timestamp* modify);
    // Both ids, already resolved (no -1); the caller checked the rules.
    virtual Result<void> set_owner(std::uint32_t uid, std::uint32_t gid);
    // The extended attributes, or nullptr on a file system without them.
    virtual XattrSet* xattrs() { return nullptr; }

    // Whether the file system beneath refuses every change (EROFS).
    virtual bool read_only() const { return false; }

    // fcntl commands that belong to a kind of file (memfd seals), asked
    // through `file`, an open file of this inode. EINVAL by default.
    virtual Result<long> fcntl_special(int command, std::uint64_t arg, const OpenFile& file);
    // Whether a mapping of this file can be made, shared or private, with
    // `prot` (memfd write seals refuse a writable shared one with EPERM;
    // secret memory takes only shared, non-executable ones).
    virtual Result<void> check_map(bool shared, int prot) {
        (void)shared;
        (void)prot;
        return {};
    }

    // Makes the open file description. The default serves regular files
    // and directories through the calls above.
    virtual Result<RefPtr<OpenFile>> open(int flags);
};

}  // namespace cella::fs
