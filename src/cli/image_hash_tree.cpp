#include "image_hash_tree.h"

#include <openssl/sha.h>

#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "user_error.h"

namespace cella::cli {
namespace {

constexpr std::size_t kBlock = abi::kImageBlockSize;

ImageHash sha256(const std::uint8_t* bytes, std::size_t size) {
    ImageHash hash;
    SHA256(bytes, size, hash.data());
    return hash;
}

}  // namespace

void append_hash_tree(AtomicFile& out, abi::ImageHeader& header) {
    if (out.position() % kBlock) throw std::logic_error("the image is not a whole number of blocks");
    std::uint64_t covered_end = out.position() / kBlock;
    abi::ImageHashTreeLayout layout;
    if (!abi::image_hash_tree_layout(covered_end, layout))
        throw UserError("the image is too large for its hash tree");
    std::vector<std::uint8_t> block(kBlock);
    // Each level's hashes, a block at a time, from the blocks of the one below.
    std::vector<std::uint8_t> level_block(kBlock);
    std::uint64_t below_first = 1, below_count = covered_end - 1;
    ImageHash top{};
    for (std::uint32_t level = 0; level < layout.levels; ++level) {
        std::uint64_t written = 0;
        std::fill(level_block.begin(), level_block.end(), 0);
        std::size_t in_block = 0;
        for (std::uint64_t i = 0; i < below_count; ++i) {
            out.read_back((below_first + i) * kBlock, block);
            ImageHash hash = sha256(block.data(), kBlock);
            std::memcpy(level_block.data() + in_block * abi::kImageHashSize, hash.data(), hash.size());
            if (++in_block == abi::kImageHashesPerBlock || i + 1 == below_count) {
                if (layout.levels == level + 1) top = sha256(level_block.data(), kBlock);
                out.write(level_block);
                ++written;
                in_block = 0;
                std::fill(level_block.begin(), level_block.end(), 0);
            }
        }
        if (written != layout.level_blocks[level] || out.position() / kBlock != layout.level_first[level] + written)
            throw std::logic_error("hash tree level misplaced");
        below_first = layout.level_first[level];
        below_count = written;
    }
    header.flags |= abi::kImageFlagHashTree;
    header.hash_tree_offset = covered_end * kBlock;
    header.hash_tree_size = layout.total_blocks * kBlock;
    header.total_size = out.position();
    std::memcpy(header.root_hash, top.data(), top.size());
}

ImageHash image_measurement(const abi::ImageHeader& header) {
    std::vector<std::uint8_t> block(kBlock, 0);
    std::memcpy(block.data(), &header, sizeof header);
    return sha256(block.data(), block.size());
}

std::string to_hex(const ImageHash& hash) {
    static const char kDigits[] = "0123456789abcdef";
    std::string text;
    for (std::uint8_t byte : hash) {
        text += kDigits[byte >> 4];
        text += kDigits[byte & 15];
    }
    return text;
}

}  // namespace cella::cli
