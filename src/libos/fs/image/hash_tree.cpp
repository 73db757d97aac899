#include "hash_tree.h"

#include <asm-generic/errno.h>

#include <cstring>

namespace cella::fs::image {

using base::Error;

namespace {

constexpr std::uint64_t kBlock = abi::kImageBlockSize;
constexpr int kEkeyrejected = 129;

bool same(const std::uint8_t* a, const std::uint8_t* b) {
    // Not secret: the hashes are public, so no constant-time compare.
    return std::memcmp(a, b, abi::kImageHashSize) == 0;
}

}  // namespace

Result<base::OwnPtr<HashTree>> HashTree::open(ImageFile& file, std::span<const std::uint8_t> block0,
                                              const crypto::Sha256Digest& measurement, std::uint64_t file_size) {
    if (block0.size() != kBlock) return Error::from_errno(EIO);
    crypto::Sha256Digest hash = crypto::Sha256::of(block0);
    if (!same(hash.data(), measurement.data())) return Error::from_errno(kEkeyrejected);
    abi::ImageHeader header;
    std::memcpy(&header, block0.data(), sizeof header);
    if (!(header.flags & abi::kImageFlagHashTree) || header.hash_tree_offset % kBlock ||
        header.hash_tree_size % kBlock || header.total_size != file_size ||
        header.hash_tree_offset > file_size || header.hash_tree_size != file_size - header.hash_tree_offset)
        return Error::from_errno(EIO);
    std::uint64_t covered_end = header.hash_tree_offset / kBlock;
    abi::ImageHashTreeLayout layout;
    if (!abi::image_hash_tree_layout(covered_end, layout) || layout.total_blocks * kBlock != header.hash_tree_size)
        return Error::from_errno(EIO);
    return base::make_own<HashTree>(file, header, hash, layout, covered_end);
}

const std::uint8_t* HashTree::tree_block(std::uint32_t level, std::uint64_t index) {
    if (level >= layout_.levels || index >= layout_.level_blocks[level]) return nullptr;
    std::uint64_t key = static_cast<std::uint64_t>(level) << 56 | index;
    if (base::Vector<std::uint8_t>* known = checked_.find(key)) return known->data();
    base::Vector<std::uint8_t> bytes;
    if (bytes.try_resize(kBlock).is_error()) return nullptr;
    std::uint64_t offset = (layout_.level_first[level] + index) * kBlock;
    for (std::size_t done = 0; done < kBlock;) {
        auto n = file_.read_at(offset + done, bytes.span().subspan(done));
        if (n.is_error() && n.error().code() == EINTR) continue;
        if (n.is_error() || n.value() == 0 || n.value() > kBlock - done) return nullptr;
        done += n.value();
    }
    crypto::Sha256Digest hash = crypto::Sha256::of(bytes.span());
    if (level + 1 == layout_.levels) {
        if (!same(hash.data(), header_.root_hash)) return nullptr;
    } else {
        const std::uint8_t* parent = tree_block(level + 1, index / abi::kImageHashesPerBlock);
        if (!parent || !same(hash.data(), parent + (index % abi::kImageHashesPerBlock) * abi::kImageHashSize))
            return nullptr;
    }
    if (checked_.try_set(key, static_cast<base::Vector<std::uint8_t>&&>(bytes)).is_error()) return nullptr;
    return checked_.find(key)->data();
}

bool HashTree::check(std::uint64_t block, std::span<const std::uint8_t> bytes) {
    if (bytes.size() != kBlock || block >= covered_end_) return false;
    crypto::Sha256Digest hash = crypto::Sha256::of(bytes);
    if (block == 0) return same(hash.data(), block0_hash_.data());
    std::uint64_t leaf = block - 1;
    const std::uint8_t* holder = tree_block(0, leaf / abi::kImageHashesPerBlock);
    return holder && same(hash.data(), holder + (leaf % abi::kImageHashesPerBlock) * abi::kImageHashSize);
}

}  // namespace cella::fs::image
