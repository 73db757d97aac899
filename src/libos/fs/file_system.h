#pragma once
// A mounted file system as a whole, apart from its nodes: what statfs(2)
// reports about it and what /proc/mounts calls it. Each kind of file
// system supplies one; the mount table keeps it next to the root node.
#include <cstdint>
#include <string_view>

#include "libos/base/format.h"
#include "libos/base/own_ptr.h"
#include "libos/base/result.h"

namespace cella::fs {

// The f_type values Linux uses for the file systems cella plays.
inline constexpr std::uint64_t kTmpfsMagic = 0x01021994;  // TMPFS_MAGIC: ramfs, devfs
inline constexpr std::uint64_t kProcMagic = 0x9fa0;       // PROC_SUPER_MAGIC
// The image is read-only and sealed, as a squashfs image is; programs that
// tell file systems apart by f_type know that one as local and read-only.
inline constexpr std::uint64_t kImageMagic = 0x73717368;  // SQUASHFS_MAGIC
inline constexpr std::uint64_t kPipefsMagic = 0x50495045;
inline constexpr std::uint64_t kSockfsMagic = 0x534f434b;
inline constexpr std::uint64_t kAnonInodeMagic = 0x09041934;
inline constexpr std::uint64_t kDevptsMagic = 0x1cd1;

// statfs f_flags bits.
inline constexpr std::uint64_t kStReadOnly = 0x0001;   // ST_RDONLY
inline constexpr std::uint64_t kStNoSuid = 0x0002;     // ST_NOSUID
inline constexpr std::uint64_t kStNoDev = 0x0004;      // ST_NODEV
inline constexpr std::uint64_t kStNoExec = 0x0008;     // ST_NOEXEC
inline constexpr std::uint64_t kStValid = 0x0020;      // ST_VALID: f_flags is filled in
inline constexpr std::uint64_t kStRelatime = 0x1000;   // ST_RELATIME

struct FsStats {
    std::uint64_t type = 0;
    std::uint64_t block_size = 4096;  // f_bsize and f_frsize
    std::uint64_t blocks = 0;
    std::uint64_t blocks_free = 0;
    std::uint64_t blocks_available = 0;
    std::uint64_t files = 0;
    std::uint64_t files_free = 0;
    std::uint64_t fsid = 0;  // f_fsid: Linux takes the device number where it has no UUID
    std::uint64_t name_max = 255;
    std::uint64_t flags = kStValid | kStRelatime;
};

// Linux x86-64 struct statfs, as statfs(2) and fstatfs(2) write it.
struct KernelStatfs {
    std::int64_t f_type;
    std::int64_t f_bsize;
    std::uint64_t f_blocks;
    std::uint64_t f_bfree;
    std::uint64_t f_bavail;
    std::uint64_t f_files;
    std::uint64_t f_ffree;
    std::int32_t f_fsid[2];
    std::int64_t f_namelen;
    std::int64_t f_frsize;
    std::int64_t f_flags;
    std::int64_t f_spare[4];
};
static_assert(sizeof(KernelStatfs) == 120);

KernelStatfs to_kernel_statfs(const FsStats& stats);

class FileSystem : public base::RefCounted<FileSystem> {
public:
    virtual ~FileSystem() = default;
    // As mount(8) and /proc/filesystems name the type, and the first field
    // of /proc/mounts.
    virtual std::string_view type_name() const = 0;
    virtual std::string_view source() const = 0;
    virtual FsStats stats() const = 0;
    // Mount options /proc/mounts shows after "rw"/"ro" (e.g. "relatime,size=65536k").
    virtual void describe_options(base::FormatBuilder& out) const = 0;
    bool read_only() const { return stats().flags & kStReadOnly; }
};

}  // namespace cella::fs

namespace cella::fs {

// A file system whose figures are fixed when it is mounted (the image,
// /proc, /dev).
class FixedFileSystem final : public FileSystem {
public:
    FixedFileSystem(std::string_view type_name, std::string_view source, std::string_view options, FsStats stats)
        : type_name_(type_name), source_(source), options_(options), stats_(stats) {}
    std::string_view type_name() const override { return type_name_; }
    std::string_view source() const override { return source_; }
    FsStats stats() const override { return stats_; }
    void describe_options(base::FormatBuilder& out) const override { out.append_view(options_); }

private:
    // String literals: they live as long as the LibOS.
    std::string_view type_name_, source_, options_;
    FsStats stats_;
};

}  // namespace cella::fs
