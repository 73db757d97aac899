#pragma once
// The image's bytes as the LibOS keeps them: 64 KiB chunks of the image
// file, read from the host once and served from enclave memory after
// that, evicted by a clock when the cache is full. A program's start reads
// the same library and program pages at every spawn (ld.so's headers,
// lazy fills of code and data); through the cache a second spawn reads
// nothing from the host. It is also the place where a sealed image will
// be verified and decrypted, once per chunk. Reads of at least
// kBypassBytes (a large file read in one go) go to the host directly and
// do not push the hot chunks out.
#include <cstddef>
#include <cstdint>
#include <span>

#include "image_reader.h"
#include "libos/base/hash_map.h"
#include "libos/base/lock.h"
#include "libos/base/vector.h"

namespace cella::fs::image {

// Where the chunks come from: the image file at the host.
class ImageFile {
public:
    // Reads up to out.size() bytes at `offset`: fewer only at the file's end.
    virtual Result<std::size_t> read_at(std::uint64_t offset, std::span<std::uint8_t> out) = 0;

protected:
    ~ImageFile() = default;
};

class ChunkCache final : public ImageSource {
public:
    static constexpr std::size_t kChunkBytes = 64 * 1024;
    static constexpr std::size_t kBypassBytes = 256 * 1024;

    ChunkCache(ImageFile& file, std::size_t capacity_chunks) : file_(file), capacity_(capacity_chunks) {}

    Result<void> read_exact(std::uint64_t offset, std::span<std::uint8_t> out) override;

    struct Stats {
        std::uint64_t hits = 0, misses = 0, bypasses = 0, evictions = 0;
    };
    Stats stats() const { return stats_; }

private:
    struct Chunk {
        std::uint64_t index = ~std::uint64_t{0};  // image offset / kChunkBytes
        std::size_t valid = 0;                    // bytes the image has there (less in its last chunk)
        bool referenced = false;
        base::Vector<std::uint8_t> bytes;
    };

    // Lock held. The chunk `index`, read in (over the clock's victim) when
    // it is not cached.
    Result<Chunk*> chunk(std::uint64_t index);
    Result<std::size_t> read_fully(std::uint64_t offset, std::span<std::uint8_t> out);

    ImageFile& file_;
    std::size_t capacity_;
    base::Mutex lock_;
    base::Vector<Chunk> chunks_;
    base::HashMap<std::uint64_t, std::size_t> where_;  // chunk index -> slot in chunks_
    std::size_t hand_ = 0;
    Stats stats_;
};

}  // namespace cella::fs::image
