#pragma once
// Turns an instance's image/ folder into the image file the LibOS mounts
// as "/" (layout in abi/image_format.h). The same tree always gives the
// same bytes: inodes are numbered by a breadth-first walk with every
// folder's entries in byte order, and nothing of the host (owners, inode
// numbers, the time of the build) enters the file.
#include <cstdint>
#include <filesystem>

#include "image_hash_tree.h"

namespace cella::cli {

struct ImageSummary {
    std::uint64_t total_size = 0;  // bytes of the image file
    std::uint32_t inode_count = 0;
    std::uint64_t regular_files = 0;  // distinct files: hard links count once
    std::uint64_t directories = 0;
    std::uint64_t symlinks = 0;
    ImageHash measurement{};  // the SHA-256 of block 0 (abi/image_format.h)
};

// Writes the image of `image_dir` to `output` (a temporary file renamed
// into place). Everything in it is owned by root (uid/gid 0); modes and
// mtimes are kept; hard links within the tree share one inode. Throws
// UserError naming the path of anything that is not a regular file,
// folder or symlink, or of a file that changes while it is written.
ImageSummary write_image(const std::filesystem::path& image_dir, const std::filesystem::path& output);

}  // namespace cella::cli
