#include "chunk_cache.h"

#include <asm-generic/errno.h>

namespace cella::fs::image {

using base::Error;

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
    TRY(where_.try_set(index, slot));
    victim.index = index;
    victim.referenced = true;
    return &victim;
}

Result<void> ChunkCache::read_exact(std::uint64_t offset, std::span<std::uint8_t> out) {
    if (out.size() >= kBypassBytes || capacity_ == 0) {
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
        __builtin_memcpy(out.data() + done, found.bytes.data() + inside, n);
        done += n;
    }
    return {};
}

}  // namespace cella::fs::image
