#include "file_system.h"

namespace cella::fs {

KernelStatfs to_kernel_statfs(const FsStats& stats) {
    KernelStatfs out{};
    out.f_type = static_cast<std::int64_t>(stats.type);
    out.f_bsize = out.f_frsize = static_cast<std::int64_t>(stats.block_size);
    out.f_blocks = stats.blocks;
    out.f_bfree = stats.blocks_free;
    out.f_bavail = stats.blocks_available;
    out.f_files = stats.files;
    out.f_ffree = stats.files_free;
    out.f_fsid[0] = static_cast<std::int32_t>(stats.fsid & 0xffffffff);
    out.f_fsid[1] = static_cast<std::int32_t>(stats.fsid >> 32);
    out.f_namelen = static_cast<std::int64_t>(stats.name_max);
    out.f_flags = static_cast<std::int64_t>(stats.flags);
    return out;
}

}  // namespace cella::fs
