// The LibOS's cache of image chunks: what it reads from the host, what it
// serves from memory, eviction, the image's end and a host that lies.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "libos/fs/image/chunk_cache.h"

namespace cella::fs::image {
namespace {

constexpr std::size_t kChunk = ChunkCache::kChunkBytes;

// An image in memory that counts the host reads made of it.
class FakeImage final : public ImageFile {
public:
    explicit FakeImage(std::size_t size) : bytes(size) {
        for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<std::uint8_t>(i * 7 + i / 4096);
    }
    base::Result<std::size_t> read_at(std::uint64_t offset, std::span<std::uint8_t> out) override {
        ++reads;
        if (fail) return base::Error::from_errno(EIO);
        if (offset >= bytes.size()) return std::size_t{0};
        std::size_t n = std::min(out.size(), bytes.size() - offset);
        if (short_reads && n > 1000) n = 1000;
        std::memcpy(out.data(), bytes.data() + offset, n);
        return n + overreport;
    }
    std::vector<std::uint8_t> bytes;
    int reads = 0;
    bool fail = false;
    bool short_reads = false;
    std::size_t overreport = 0;
};

std::vector<std::uint8_t> read(ChunkCache& cache, std::uint64_t offset, std::size_t size, int* error = nullptr) {
    std::vector<std::uint8_t> out(size);
    auto result = cache.read_exact(offset, out);
    if (error) *error = result.is_error() ? result.error().code() : 0;
    return out;
}

TEST(ImageChunkCache, ServesSecondReadOfAChunkFromMemory) {
    FakeImage image(4 * kChunk);
    ChunkCache cache(image, 8);
    auto first = read(cache, 100, 5000);
    EXPECT_EQ(image.reads, 1);
    EXPECT_EQ(0, std::memcmp(first.data(), image.bytes.data() + 100, 5000));
    auto again = read(cache, 3000, 20000);
    EXPECT_EQ(image.reads, 1);
    EXPECT_EQ(0, std::memcmp(again.data(), image.bytes.data() + 3000, 20000));
    EXPECT_EQ(cache.stats().hits, 1u);
    EXPECT_EQ(cache.stats().misses, 1u);
}

TEST(ImageChunkCache, ReadAcrossChunksReadsEachOnce) {
    FakeImage image(4 * kChunk);
    ChunkCache cache(image, 8);
    auto bytes = read(cache, kChunk - 10, kChunk + 20);
    EXPECT_EQ(0, std::memcmp(bytes.data(), image.bytes.data() + kChunk - 10, kChunk + 20));
    EXPECT_EQ(image.reads, 3);
    read(cache, kChunk, 2 * kChunk);
    EXPECT_EQ(image.reads, 3);
}

TEST(ImageChunkCache, LargeReadBypassesTheCache) {
    FakeImage image(8 * kChunk);
    ChunkCache cache(image, 8);
    auto bytes = read(cache, 0, ChunkCache::kBypassBytes);
    EXPECT_EQ(0, std::memcmp(bytes.data(), image.bytes.data(), ChunkCache::kBypassBytes));
    EXPECT_EQ(cache.stats().bypasses, 1u);
    read(cache, 0, 10);  // not cached by the bypass
    EXPECT_EQ(cache.stats().misses, 1u);
}

TEST(ImageChunkCache, EvictsTheChunkNotUsedSince) {
    FakeImage image(8 * kChunk);
    ChunkCache cache(image, 2);
    read(cache, 0, 10);              // chunk 0
    read(cache, kChunk, 10);         // chunk 1
    read(cache, 2 * kChunk, 10);     // evicts one of them
    EXPECT_EQ(cache.stats().evictions, 1u);
    int before = image.reads;
    auto bytes = read(cache, 2 * kChunk + 5, 10);  // the new one stays
    EXPECT_EQ(image.reads, before);
    EXPECT_EQ(0, std::memcmp(bytes.data(), image.bytes.data() + 2 * kChunk + 5, 10));
    // Every chunk still reads right after any number of evictions.
    for (int round = 0; round < 3; ++round)
        for (std::size_t c = 0; c < 8; ++c) {
            auto got = read(cache, c * kChunk + 123, 77);
            ASSERT_EQ(0, std::memcmp(got.data(), image.bytes.data() + c * kChunk + 123, 77));
        }
}

TEST(ImageChunkCache, ImageEndInsideAChunk) {
    FakeImage image(kChunk + 500);
    ChunkCache cache(image, 4);
    int error = -1;
    auto tail = read(cache, kChunk + 100, 400, &error);
    EXPECT_EQ(error, 0);
    EXPECT_EQ(0, std::memcmp(tail.data(), image.bytes.data() + kChunk + 100, 400));
    read(cache, kChunk + 100, 401, &error);
    EXPECT_EQ(error, EIO);
    read(cache, 5 * kChunk, 1, &error);
    EXPECT_EQ(error, EIO);
}

TEST(ImageChunkCache, ShortHostReadsAreCompleted) {
    FakeImage image(2 * kChunk);
    image.short_reads = true;
    ChunkCache cache(image, 4);
    auto bytes = read(cache, 10, kChunk);
    EXPECT_EQ(0, std::memcmp(bytes.data(), image.bytes.data() + 10, kChunk));
}

TEST(ImageChunkCache, HostErrorsAndLiesAreEio) {
    FakeImage failing(2 * kChunk);
    failing.fail = true;
    ChunkCache cache(failing, 4);
    int error = 0;
    read(cache, 0, 10, &error);
    EXPECT_EQ(error, EIO);
    failing.fail = false;  // a later read tries again
    auto bytes = read(cache, 0, 10, &error);
    EXPECT_EQ(error, 0);
    EXPECT_EQ(0, std::memcmp(bytes.data(), failing.bytes.data(), 10));

    FakeImage lying(2 * kChunk);
    lying.overreport = 1;  // says it read more than it was asked for
    ChunkCache liar(lying, 4);
    read(liar, 0, 10, &error);
    EXPECT_EQ(error, EIO);
}

}  // namespace
}  // namespace cella::fs::image
