#pragma once
// Checks the image's blocks against its hash tree (abi/image_format.h).
// The header comes from the host, so it is trusted only once its block
// hashes to the measurement `cella build` recorded; from then on its
// root hash anchors the tree. Tree blocks are read from the host as they
// are needed, checked against the level above up to the root, and kept
// (a 128th of the image at most).
#include <cstdint>
#include <span>

#include "abi/image_format.h"
#include "image_file.h"
#include "libos/base/own_ptr.h"
#include "libos/base/hash_map.h"
#include "libos/base/vector.h"
#include "libos/crypto/sha256.h"

namespace cella::fs::image {

using base::Result;

class HashTree {
public:
    // From block 0 as read from the host: EKEYREJECTED when it does not
    // hash to `measurement`, EIO when its tree fields do not describe a
    // tree that fits in an image of `file_size` bytes.
    static Result<base::OwnPtr<HashTree>> open(ImageFile& file, std::span<const std::uint8_t> block0,
                                               const crypto::Sha256Digest& measurement, std::uint64_t file_size);

    // Bytes below this offset are covered (block 0 by the measurement).
    std::uint64_t covered_end() const { return covered_end_ * abi::kImageBlockSize; }
    // Whether `bytes` are what the image holds at block `block`; false
    // when the block is not covered or the tree cannot be read.
    bool check(std::uint64_t block, std::span<const std::uint8_t> bytes);

    HashTree(ImageFile& file, const abi::ImageHeader& header, const crypto::Sha256Digest& block0_hash,
             const abi::ImageHashTreeLayout& layout, std::uint64_t covered_end)
        : file_(file), header_(header), block0_hash_(block0_hash), layout_(layout), covered_end_(covered_end) {}

private:
    // The checked block `index` of tree level `level`, or nullptr.
    const std::uint8_t* tree_block(std::uint32_t level, std::uint64_t index);

    ImageFile& file_;
    abi::ImageHeader header_;
    crypto::Sha256Digest block0_hash_;
    abi::ImageHashTreeLayout layout_;
    std::uint64_t covered_end_;  // in blocks
    // Key: level << 56 | index.
    base::HashMap<std::uint64_t, base::Vector<std::uint8_t>> checked_;
};

}  // namespace cella::fs::image
