// The image's hash tree end to end: `cella build`'s writer makes it, the
// LibOS's HashTree and ChunkCache check an image read through it, and any
// changed byte — data, tree or header — is caught.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "abi/image_format.h"
#include "cli/image_writer.h"
#include "cli_test_support.h"
#include "libos/fs/image/chunk_cache.h"
#include "libos/fs/image/hash_tree.h"

namespace cella::fs::image {
namespace {

using cli::test_support::ScratchFolder;
using cli::test_support::write_bytes;

class DiskImage final : public ImageFile {
public:
    explicit DiskImage(const std::filesystem::path& path) : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {}
    ~DiskImage() { ::close(fd_); }
    base::Result<std::size_t> read_at(std::uint64_t offset, std::span<std::uint8_t> out) override {
        ssize_t n = ::pread(fd_, out.data(), out.size(), static_cast<off_t>(offset));
        if (n < 0) return base::Error::from_errno(errno);
        return static_cast<std::size_t>(n);
    }

private:
    int fd_;
};

class ImageHashTreeTest : public ::testing::Test {
protected:
    ImageHashTreeTest() {
        // Enough blocks for a tree of two levels (over 128 leaves).
        big_.resize(700 * 1024);
        for (std::size_t i = 0; i < big_.size(); ++i) big_[i] = static_cast<char>(i * 31 + i / 4096);
        write_bytes(scratch_.path() / "image/big", big_);
        write_bytes(scratch_.path() / "image/small", "small file\n");
        summary_ = cli::write_image(scratch_.path() / "image", image());
        std::memcpy(measurement_.data(), summary_.measurement.data(), measurement_.size());
    }

    std::filesystem::path image() const { return scratch_.path() / "image.cimg"; }

    std::vector<std::uint8_t> bytes() {
        std::ifstream in(image(), std::ios::binary);
        return {std::istreambuf_iterator<char>(in), {}};
    }
    void store(const std::vector<std::uint8_t>& data) {
        std::ofstream out(image(), std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
    }
    abi::ImageHeader header() {
        abi::ImageHeader h;
        std::memcpy(&h, bytes().data(), sizeof h);
        return h;
    }

    // Opens the image as the LibOS does; the error code, 0 when it opens.
    int open(DiskImage& file, base::OwnPtr<HashTree>& tree) {
        std::vector<std::uint8_t> block0(abi::kImageBlockSize);
        auto n = file.read_at(0, block0);
        if (n.is_error() || n.value() != block0.size()) return EIO;
        auto opened = HashTree::open(file, block0, measurement_, std::filesystem::file_size(image()));
        if (opened.is_error()) return opened.error().code();
        tree = opened.release_value();
        return 0;
    }

    // Reads file `name`'s bytes through a checked cache; the error, or 0.
    int read_file(const char* name, std::string& out) {
        DiskImage file(image());
        base::OwnPtr<HashTree> tree;
        if (int error = open(file, tree)) return error;
        ChunkCache cache(file, 64);
        cache.check_with(static_cast<base::OwnPtr<HashTree>&&>(tree));
        auto reader = ImageReader::open(cache, std::filesystem::file_size(image()));
        if (reader.is_error()) return reader.error().code();
        auto number = reader.value()->lookup(abi::kImageRootInode, name);
        if (number.is_error()) return number.error().code();
        const abi::ImageInode* inode = reader.value()->inode(number.value()).value();
        out.assign(inode->size, '\0');
        auto n = reader.value()->read(number.value(), 0,
                                      {reinterpret_cast<std::uint8_t*>(out.data()), out.size()});
        if (n.is_error()) return n.error().code();
        return n.value() == out.size() ? 0 : EIO;
    }

    ScratchFolder scratch_;
    std::string big_;
    cli::ImageSummary summary_;
    crypto::Sha256Digest measurement_;
};

TEST_F(ImageHashTreeTest, WriterBuildsATreeThatChecks) {
    abi::ImageHeader h = header();
    EXPECT_EQ(h.version, abi::kImageVersion);
    EXPECT_TRUE(h.flags & abi::kImageFlagHashTree);
    EXPECT_EQ(h.hash_tree_offset + h.hash_tree_size, h.total_size);
    abi::ImageHashTreeLayout layout;
    ASSERT_TRUE(abi::image_hash_tree_layout(h.hash_tree_offset / abi::kImageBlockSize, layout));
    EXPECT_EQ(layout.levels, 2u);
    std::string content;
    EXPECT_EQ(read_file("big", content), 0);
    EXPECT_EQ(content, big_);
    EXPECT_EQ(read_file("small", content), 0);
    EXPECT_EQ(content, "small file\n");
    // Every covered block checks.
    DiskImage file(image());
    base::OwnPtr<HashTree> tree;
    ASSERT_EQ(open(file, tree), 0);
    std::vector<std::uint8_t> data = bytes();
    for (std::uint64_t block = 0; block < h.hash_tree_offset / abi::kImageBlockSize; ++block)
        ASSERT_TRUE(tree->check(block, {data.data() + block * abi::kImageBlockSize, abi::kImageBlockSize})) << block;
    EXPECT_FALSE(tree->check(h.hash_tree_offset / abi::kImageBlockSize,
                             {data.data() + h.hash_tree_offset, abi::kImageBlockSize}));
}

TEST_F(ImageHashTreeTest, ChangedDataFailsOnlyItsFile) {
    std::vector<std::uint8_t> data = bytes();
    std::vector<std::uint8_t> pattern(big_.begin() + 300000, big_.begin() + 300064);
    auto at = std::search(data.begin(), data.end(), pattern.begin(), pattern.end());
    ASSERT_NE(at, data.end());
    *at ^= 0x10;
    store(data);
    std::string content;
    EXPECT_EQ(read_file("big", content), EIO);
    EXPECT_EQ(read_file("small", content), 0);
    EXPECT_EQ(content, "small file\n");
}

TEST_F(ImageHashTreeTest, ChangedTreeBlockFailsTheBlocksBelowIt) {
    std::vector<std::uint8_t> data = bytes();
    abi::ImageHeader h = header();
    data[h.hash_tree_offset + 40] ^= 1;  // level 0, the second leaf: block 2
    store(data);
    DiskImage file(image());
    base::OwnPtr<HashTree> tree;
    ASSERT_EQ(open(file, tree), 0);
    EXPECT_FALSE(tree->check(2, {data.data() + 2 * abi::kImageBlockSize, abi::kImageBlockSize}));
    EXPECT_FALSE(tree->check(1, {data.data() + abi::kImageBlockSize, abi::kImageBlockSize}));
}

TEST_F(ImageHashTreeTest, OtherHeaderOrMeasurementIsRejected) {
    std::vector<std::uint8_t> data = bytes();
    data[200] ^= 1;  // in block 0, past the header's fields
    store(data);
    DiskImage file(image());
    base::OwnPtr<HashTree> tree;
    EXPECT_EQ(open(file, tree), 129);  // EKEYREJECTED
    data[200] ^= 1;
    store(data);
    measurement_[0] ^= 1;
    DiskImage again(image());
    EXPECT_EQ(open(again, tree), 129);
}

TEST_F(ImageHashTreeTest, TruncatedImageIsRefused) {
    std::filesystem::resize_file(image(), std::filesystem::file_size(image()) - abi::kImageBlockSize);
    DiskImage file(image());
    base::OwnPtr<HashTree> tree;
    EXPECT_EQ(open(file, tree), EIO);
}

}  // namespace
}  // namespace cella::fs::image
