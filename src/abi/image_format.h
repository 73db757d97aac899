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
//   hash tree        (version 2) SHA-256 of every block after block 0
//
// The hash tree (kImageFlagHashTree): level 0 holds the SHA-256 of each
// block from block 1 up to the tree, 128 to a block (the last one padded
// with zeros); each level above holds the SHA-256 of each block of the
// level below, until a level fits in one block. Levels are stored from
// level 0 up, from hash_tree_offset; root_hash is the SHA-256 of the top
// block. The SHA-256 of block 0, which holds root_hash, is the image's
// measurement: `cella build` prints it and keeps it in build/image.hash,
// and the LibOS refuses an image whose block 0 does not hash to it, then
// checks every block it reads against the tree.
#include <cstdint>

namespace cella::abi {

inline constexpr char kImageMagic[8] = {'C', 'E', 'L', 'L', 'A', 'I', 'M', 'G'};
inline constexpr std::uint32_t kImageVersion = 2;
inline constexpr std::uint32_t kImageBlockSize = 4096;
inline constexpr std::uint32_t kImageRootInode = 1;
inline constexpr std::uint32_t kImageMaxNameLength = 255;

// Header flags. Version 2 images have kImageFlagHashTree set.
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
    // The hash tree: where it starts (the end of the blocks it covers), its
    // size, and the SHA-256 of its top block.
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

inline constexpr std::uint32_t kImageHashSize = 32;
inline constexpr std::uint32_t kImageHashesPerBlock = kImageBlockSize / kImageHashSize;
inline constexpr std::uint32_t kImageMaxTreeLevels = 8;

// Where each level of the hash tree over blocks [1, covered_end) lies.
struct ImageHashTreeLayout {
    std::uint32_t levels = 0;
    std::uint64_t level_first[kImageMaxTreeLevels] = {};   // image block number of its first block
    std::uint64_t level_blocks[kImageMaxTreeLevels] = {};  // blocks in it
    std::uint64_t total_blocks = 0;
};

// False when there is nothing to cover or the tree would be too deep.
constexpr bool image_hash_tree_layout(std::uint64_t covered_end, ImageHashTreeLayout& out) {
    if (covered_end < 2) return false;
    out = ImageHashTreeLayout{};
    std::uint64_t entries = covered_end - 1;
    std::uint64_t next = covered_end;
    while (true) {
        if (out.levels == kImageMaxTreeLevels) return false;
        std::uint64_t blocks = (entries + kImageHashesPerBlock - 1) / kImageHashesPerBlock;
        out.level_first[out.levels] = next;
        out.level_blocks[out.levels] = blocks;
        ++out.levels;
        out.total_blocks += blocks;
        next += blocks;
        if (blocks == 1) return true;
        entries = blocks;
    }
}

}  // namespace cella::abi
