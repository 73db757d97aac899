#include "file_stat.h"

namespace cella::fs {
namespace {

constexpr std::uint32_t major_of(std::uint64_t dev) { return static_cast<std::uint32_t>(((dev >> 8) & 0xfff) | ((dev >> 32) & ~0xfffu)); }
constexpr std::uint32_t minor_of(std::uint64_t dev) { return static_cast<std::uint32_t>((dev & 0xff) | ((dev >> 12) & ~0xffu)); }

KernelStatxTimestamp statx_time(const Timestamp& t) { return {t.seconds, t.nanoseconds, 0}; }

}  // namespace

KernelStat to_kernel_stat(const FileStat& s) {
    KernelStat k{};
    k.st_dev = s.dev;
    k.st_ino = s.ino;
    k.st_nlink = s.nlink;
    k.st_mode = s.mode;
    k.st_uid = s.uid;
    k.st_gid = s.gid;
    k.st_rdev = s.rdev;
    k.st_size = static_cast<std::int64_t>(s.size);
    k.st_blksize = s.block_size;
    k.st_blocks = static_cast<std::int64_t>(s.blocks);
    k.st_atime_sec = s.atime.seconds;
    k.st_atime_nsec = s.atime.nanoseconds;
    k.st_mtime_sec = s.mtime.seconds;
    k.st_mtime_nsec = s.mtime.nanoseconds;
    k.st_ctime_sec = s.ctime.seconds;
    k.st_ctime_nsec = s.ctime.nanoseconds;
    return k;
}

KernelStatx to_kernel_statx(const FileStat& s) {
    KernelStatx k{};
    k.stx_mask = 0x7ff;  // STATX_BASIC_STATS
    k.stx_blksize = s.block_size;
    k.stx_nlink = s.nlink;
    k.stx_uid = s.uid;
    k.stx_gid = s.gid;
    k.stx_mode = static_cast<std::uint16_t>(s.mode);
    k.stx_ino = s.ino;
    k.stx_size = s.size;
    k.stx_blocks = s.blocks;
    k.stx_atime = statx_time(s.atime);
    k.stx_mtime = statx_time(s.mtime);
    k.stx_ctime = statx_time(s.ctime);
    k.stx_rdev_major = major_of(s.rdev);
    k.stx_rdev_minor = minor_of(s.rdev);
    k.stx_dev_major = major_of(s.dev);
    k.stx_dev_minor = minor_of(s.dev);
    return k;
}

}  // namespace cella::fs
