#pragma once
// The image's bytes as the LibOS keeps them: 64 KiB chunks of the image
// file, read from the host once and served from enclave memory after
// that, evicted by a clock when the cache is full. A program's start reads
// the same library and program pages at every spawn (ld.so's headers,
// lazy fills of code and data); through the cache a second spawn reads
// nothing from the host. It is also the place where a sealed image will
// checked against the image's hash tree, once per chunk read in: a block
// that does not match is never served (EIO), the rest of its chunk is. Without a tree, reads of at
// least kBypassBytes (a large file read in one go) go to the host directly
// and do not push the hot chunks out.
#include <cstddef>
#include <cstdint>
#include <span>

#include "image_file.h"
#include "image_reader.h"
#include "libos/base/hash_map.h"
#include "libos/base/lock.h"
#include "libos/base/own_ptr.h"
#include "libos/base/vector.h"

namespace cella::fs::image {

class HashTree;

class ChunkCache final : public ImageSource {
public:
    static constexpr std::size_t kChunkBytes = 64 * 1024;
    static constexpr std::size_t kBypassBytes = 256 * 1024;

    ChunkCache(ImageFile& file, std::size_t capacity_chunks);
    ~ChunkCache();

    Result<void> read_exact(std::uint64_t offset, std::span<std::uint8_t> out) override;

    // From now on every block is checked against `tree` (kept as long as
    // the cache) and only bytes it covers are served.
    void check_with(base::OwnPtr<HashTree> tree);
    // The image offset of the last block a read found not to match, or ~0.
    std::uint64_t last_mismatch() const { return __atomic_load_n(&last_mismatch_, __ATOMIC_RELAXED); }

    struct Stats {
        std::uint64_t hits = 0, misses = 0, bypasses = 0, evictions = 0, blocks_checked = 0;
    };
    Stats stats() {
        base::ScopedLock guard(lock_);
        return stats_;
    }

private:
    struct Chunk {
        std::uint64_t index = ~std::uint64_t{0};  // image offset / kChunkBytes
        std::size_t valid = 0;                    // bytes the image has there (less in its last chunk)
        bool referenced = false;
        // Of its 16 blocks, those checked against the tree (once, when a
        // read first needs them: a sparse reader hashes only what it reads)
        // and those that did not match.
        std::uint16_t checked_blocks = 0;
        std::uint16_t bad_blocks = 0;
        base::Vector<std::uint8_t> bytes;
    };

    // Lock held. The chunk `index`, read in (over the clock's victim) when
    // it is not cached.
    Result<Chunk*> chunk(std::uint64_t index);
    Result<std::size_t> read_fully(std::uint64_t offset, std::span<std::uint8_t> out);
    // Lock held. Whether blocks [first, last] of `chunk` match the tree,
    // checking those not checked yet.
    bool check_blocks(Chunk& chunk, std::size_t first, std::size_t last);

    ImageFile& file_;
    std::size_t capacity_;
    base::Mutex lock_;
    base::Vector<Chunk> chunks_;
    base::HashMap<std::uint64_t, std::size_t> where_;  // chunk index -> slot in chunks_
    std::size_t hand_ = 0;
    Stats stats_;
    base::OwnPtr<HashTree> tree_;
    std::uint64_t last_mismatch_ = ~std::uint64_t{0};
};

}  // namespace cella::fs::image
