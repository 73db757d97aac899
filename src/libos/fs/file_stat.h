#pragma once
// File metadata as the VFS passes it around, and its conversion to the
// layouts Linux returns (struct stat for fstat/newfstatat, struct statx).
#include <cstdint>

namespace cella::fs {

struct Timestamp {
    std::int64_t seconds = 0;
    std::uint32_t nanoseconds = 0;
};

struct FileStat {
    std::uint64_t dev = 0;
    std::uint64_t ino = 0;
    std::uint32_t mode = 0;
    std::uint32_t nlink = 1;
    std::uint32_t uid = 0;
    std::uint32_t gid = 0;
    std::uint64_t rdev = 0;
    std::uint64_t size = 0;
    std::uint32_t block_size = 4096;
    std::uint64_t blocks = 0;  // 512-byte units
    Timestamp atime, mtime, ctime;
};

// Linux x86-64 struct stat, as the kernel writes it.
struct KernelStat {
    std::uint64_t st_dev;
    std::uint64_t st_ino;
    std::uint64_t st_nlink;
    std::uint32_t st_mode;
    std::uint32_t st_uid;
    std::uint32_t st_gid;
    std::uint32_t pad0;
    std::uint64_t st_rdev;
    std::int64_t st_size;
    std::int64_t st_blksize;
    std::int64_t st_blocks;
    std::int64_t st_atime_sec;
    std::uint64_t st_atime_nsec;
    std::int64_t st_mtime_sec;
    std::uint64_t st_mtime_nsec;
    std::int64_t st_ctime_sec;
    std::uint64_t st_ctime_nsec;
    std::int64_t reserved[3];
};
static_assert(sizeof(KernelStat) == 144);

struct KernelStatxTimestamp {
    std::int64_t tv_sec;
    std::uint32_t tv_nsec;
    std::int32_t reserved;
};

struct KernelStatx {
    std::uint32_t stx_mask;
    std::uint32_t stx_blksize;
    std::uint64_t stx_attributes;
    std::uint32_t stx_nlink;
    std::uint32_t stx_uid;
    std::uint32_t stx_gid;
    std::uint16_t stx_mode;
    std::uint16_t spare0;
    std::uint64_t stx_ino;
    std::uint64_t stx_size;
    std::uint64_t stx_blocks;
    std::uint64_t stx_attributes_mask;
    KernelStatxTimestamp stx_atime, stx_btime, stx_ctime, stx_mtime;
    std::uint32_t stx_rdev_major;
    std::uint32_t stx_rdev_minor;
    std::uint32_t stx_dev_major;
    std::uint32_t stx_dev_minor;
    std::uint64_t spare2[14];
};
static_assert(sizeof(KernelStatx) == 256);

KernelStat to_kernel_stat(const FileStat& stat);
KernelStatx to_kernel_statx(const FileStat& stat);

}  // namespace cella::fs
