#include "chunk_cache.h"

#include <asm-generic/errno.h>

#include "hash_tree.h"

namespace cella::fs::image {

using base::Error;

ChunkCache::ChunkCache(ImageFile& file, std::size_t capacity_chunks)
    : file_(file), capacity_(capacity_chunks ? capacity_chunks : 1) {}

ChunkCache::~ChunkCache() = default;

void ChunkCache::check_with(base::OwnPtr<HashTree> tree) {
    base::ScopedLock guard(lock_);
    tree_ = static_cast<base::OwnPtr<HashTree>&&>(tree);
}

Result<std::size_t> ChunkCache::read_fully(std::uint64_t offset, std::span<std::uint8_t> out) {
    std::size_t done = 0;
    while (done < out.size()) {
        auto n = file_.read_at(offset + done, out.subspan(done));
        if (n.is_error()) {
            if (n.error().code() == EINTR) continue;
            return Error::from_errno(EIO);
        }
        if (n.value() == 0) break;
        if (n.value() > out.size() - done) return Error::from_errno(EIO);  // more than asked: a broken host
        done += n.value();
    }
    return done;
}

Result<ChunkCache::Chunk*> ChunkCache::chunk(std::uint64_t index) {
    if (std::size_t* slot = where_.find(index)) {
        Chunk& found = chunks_[*slot];
        found.referenced = true;
        ++stats_.hits;
        return &found;
    }
    ++stats_.misses;
    std::size_t slot;
    if (chunks_.size() < capacity_) {
        Chunk fresh;
        TRY(fresh.bytes.try_resize(kChunkBytes));
        TRY(chunks_.try_append(static_cast<Chunk&&>(fresh)));
        slot = chunks_.size() - 1;
    } else {
        // The clock: the first chunk not used since the hand last passed.
        while (chunks_[hand_].referenced) {
            chunks_[hand_].referenced = false;
            hand_ = (hand_ + 1) % chunks_.size();
        }
        slot = hand_;
        hand_ = (hand_ + 1) % chunks_.size();
        where_.remove(chunks_[slot].index);
        ++stats_.evictions;
    }
    Chunk& victim = chunks_[slot];
    victim.index = ~std::uint64_t{0};
    victim.valid = TRY(read_fully(index * kChunkBytes, victim.bytes.span()));
    victim.checked_blocks = victim.bad_blocks = 0;
    if (tree_) {
        // Only what the tree covers is served.
        std::uint64_t start = index * kChunkBytes;
        std::uint64_t covered = tree_->covered_end() > start ? tree_->covered_end() - start : 0;
        if (victim.valid > covered) victim.valid = covered;
    }
    TRY(where_.try_set(index, slot));
    victim.index = index;
    victim.referenced = true;
    return &victim;
}

bool ChunkCache::check_blocks(Chunk& chunk, std::size_t first, std::size_t last) {
    constexpr std::size_t kBlock = abi::kImageBlockSize;
    for (std::size_t block = first; block <= last; ++block) {
        std::uint16_t bit = static_cast<std::uint16_t>(1u << block);
        if (!(chunk.checked_blocks & bit)) {
            std::size_t at = block * kBlock;
            std::size_t length = chunk.valid - at < kBlock ? chunk.valid - at : kBlock;
            if (!tree_->check((chunk.index * kChunkBytes + at) / kBlock, chunk.bytes.span().subspan(at, length)))
                chunk.bad_blocks |= bit;
            chunk.checked_blocks |= bit;
            ++stats_.blocks_checked;
        }
        if (chunk.bad_blocks & bit) {
            __atomic_store_n(&last_mismatch_, chunk.index * kChunkBytes + block * kBlock, __ATOMIC_RELAXED);
            return false;
        }
    }
    return true;
}

Result<void> ChunkCache::read_exact(std::uint64_t offset, std::span<std::uint8_t> out) {
    if (out.size() >= kBypassBytes && !tree_) {
        {
            base::ScopedLock guard(lock_);
            ++stats_.bypasses;
        }
        // Short: the host truncated the image.
        if (TRY(read_fully(offset, out)) != out.size()) return Error::from_errno(EIO);
        return {};
    }
    base::ScopedLock guard(lock_);
    std::size_t done = 0;
    while (done < out.size()) {
        std::uint64_t at = offset + done;
        Chunk& found = *TRY(chunk(at / kChunkBytes));
        std::size_t inside = at % kChunkBytes;
        if (inside >= found.valid) return Error::from_errno(EIO);  // past the image's end
        std::size_t n = found.valid - inside < out.size() - done ? found.valid - inside : out.size() - done;
        if (tree_ && !check_blocks(found, inside / abi::kImageBlockSize, (inside + n - 1) / abi::kImageBlockSize))
            return Error::from_errno(EIO);
        __builtin_memcpy(out.data() + done, found.bytes.data() + inside, n);
        done += n;
    }
    return {};
}

}  // namespace cella::fs::image
