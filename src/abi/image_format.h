#pragma once
// On-disk layout of a cella image: the read-only root file system that
// `cella build` makes from an instance's image/ folder and the LibOS reads
// through the host interface. Everything is little-endian, offsets are in
// bytes from the start of the file, and every file's data starts on a block
// boundary so that a per-block hash tree and per-block encryption (a later
// format version) slot in without moving data.
//
//   block 0          ImageHeader (rest of the block zero)
//   inode table      inode_count ImageInode records, inode 1 first
//   data blocks      file contents, directory entry lists, symlink targets
#include <cstdint>

namespace cella::abi {

inline constexpr char kImageMagic[8] = {'C', 'E', 'L', 'L', 'A', 'I', 'M', 'G'};
inline constexpr std::uint32_t kImageVersion = 1;
inline constexpr std::uint32_t kImageBlockSize = 4096;
inline constexpr std::uint32_t kImageRootInode = 1;
inline constexpr std::uint32_t kImageMaxNameLength = 255;

// Header flags; version 1 images have none set.
inline constexpr std::uint32_t kImageFlagHashTree = 1u << 0;
inline constexpr std::uint32_t kImageFlagEncrypted = 1u << 1;

struct ImageHeader {
    char magic[8];
    std::uint32_t version;
    std::uint32_t block_size;
    std::uint32_t flags;
    std::uint32_t inode_count;
    std::uint64_t inode_table_offset;
    std::uint64_t data_offset;
    std::uint64_t total_size;
    // Reserved for the integrity issue: where the hash tree lives and the
    // root hash that becomes part of the enclave measurement.
    std::uint64_t hash_tree_offset;
    std::uint64_t hash_tree_size;
    std::uint8_t root_hash[32];
    std::uint8_t reserved[48];
};
static_assert(sizeof(ImageHeader) == 144);

// Inode numbers are 1-based indexes into the inode table.
struct ImageInode {
    std::uint32_t mode;  // S_IFMT type bits and permission bits, as in st_mode
    std::uint32_t uid;
    std::uint32_t gid;
    std::uint32_t nlink;
    std::uint64_t size;         // bytes of data (a symlink: length of its target)
    std::uint64_t data_offset;  // 0 when size is 0
    std::int64_t mtime_sec;
    std::uint32_t mtime_nsec;
    std::uint32_t reserved0;
    std::uint64_t reserved1[2];
};
static_assert(sizeof(ImageInode) == 64);

// A directory's data is a packed list of entries, sorted by name, without
// "." and "..". Each entry is 8-byte aligned.
struct ImageDirEntry {
    std::uint32_t inode;
    std::uint16_t name_length;
    std::uint8_t type;  // DT_* value
    std::uint8_t reserved;
    // name_length bytes of name follow, then zero padding to 8 bytes.
};
static_assert(sizeof(ImageDirEntry) == 8);

constexpr std::uint64_t image_dir_entry_size(std::uint32_t name_length) {
    return (sizeof(ImageDirEntry) + name_length + 7) & ~std::uint64_t{7};
}

}  // namespace cella::abi
