// The image writer, checked by reading its output back with the LibOS's
// own ImageReader; and the fingerprint that tells `cella run` whether
// image/ changed since the last build.
#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "abi/image_format.h"
#include "cli/image_fingerprint.h"
#include "cli/image_writer.h"
#include "cli/user_error.h"
#include "cli_test_support.h"
#include "libos/fs/image/image_reader.h"

namespace cella::cli {
namespace {

using fs::image::ImageDirent;
using fs::image::ImageReader;
using test_support::contains;
using test_support::make_symlink;
using test_support::read_bytes;
using test_support::ScratchFolder;
using test_support::write_bytes;

// An ImageSource over a file on disk.
class FileImageSource final : public fs::image::ImageSource {
public:
    explicit FileImageSource(const std::filesystem::path& file) : fd_(::open(file.c_str(), O_RDONLY | O_CLOEXEC)) {}
    ~FileImageSource() {
        if (fd_ >= 0) ::close(fd_);
    }
    base::Result<void> read_exact(std::uint64_t offset, std::span<std::uint8_t> out) override {
        ssize_t count = ::pread(fd_, out.data(), out.size(), static_cast<off_t>(offset));
        if (count < 0 || static_cast<std::size_t>(count) != out.size()) return base::Error::from_errno(EIO);
        return {};
    }

private:
    int fd_;
};

void set_mtime(const std::filesystem::path& path, std::int64_t seconds, long nanoseconds) {
    const struct timespec times[2] = {{seconds, nanoseconds}, {seconds, nanoseconds}};
    ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW), 0);
}

class ImageWriterTest : public ::testing::Test {
protected:
    ImageWriterTest() {
        big_ = std::string(3 * abi::kImageBlockSize + 123, '\0');
        for (std::size_t i = 0; i < big_.size(); ++i) big_[i] = static_cast<char>('a' + i % 26);
        write_bytes(tree() / "bin/tool", "#!/bin/sh\necho tool\n", 0755);
        write_bytes(tree() / "etc/big.txt", big_, 0640);
        write_bytes(tree() / "etc/empty", "", 0600);
        write_bytes(tree() / "etc/B-upper", "B");
        write_bytes(tree() / "etc/a-lower", "a");
        std::filesystem::create_directories(tree() / "etc/sub/deeper");
        std::filesystem::create_hard_link(tree() / "bin/tool", tree() / "etc/tool-hardlink");
        make_symlink("../etc/big.txt", tree() / "bin/big-link");
        ::chmod((tree() / "bin").c_str(), 0755);
        ::chmod((tree() / "etc").c_str(), 0755);
        ::mkdir((tree() / "tmp").c_str(), 0755);
        ::chmod((tree() / "tmp").c_str(), 01777);
        set_mtime(tree() / "etc/big.txt", 1700000000, 123456789);
    }

    std::filesystem::path tree() const { return scratch_ / "image"; }
    std::filesystem::path output() const { return scratch_ / "image.cimg"; }

    base::OwnPtr<ImageReader> open_image(FileImageSource& source) {
        auto reader = ImageReader::open(source, std::filesystem::file_size(output()));
        EXPECT_FALSE(reader.is_error());
        return reader.is_error() ? base::OwnPtr<ImageReader>() : reader.release_value();
    }

    std::uint32_t lookup_path(ImageReader& reader, const std::string& path) {
        std::uint32_t inode = abi::kImageRootInode;
        std::size_t start = 1;
        while (start < path.size()) {
            std::size_t end = path.find('/', start);
            if (end == std::string::npos) end = path.size();
            auto next = reader.lookup(inode, std::string_view(path).substr(start, end - start));
            if (next.is_error()) {
                ADD_FAILURE() << "lookup of " << path << " failed with errno " << next.error().code();
                return 0;
            }
            inode = next.value();
            start = end + 1;
        }
        return inode;
    }

    std::string read_file(ImageReader& reader, std::uint32_t inode) {
        const abi::ImageInode* node = reader.inode(inode).value();
        std::string bytes(node->size, '\0');
        auto count = reader.read(inode, 0, {reinterpret_cast<std::uint8_t*>(bytes.data()), bytes.size()});
        EXPECT_FALSE(count.is_error());
        return bytes;
    }

    std::vector<std::string> names_in(ImageReader& reader, std::uint32_t directory) {
        std::vector<std::string> names;
        ImageDirent entry;
        for (std::size_t index = 0;; ++index) {
            auto more = reader.entry_at(directory, index, entry);
            if (more.is_error() || !more.value()) break;
            names.emplace_back(entry.name);
        }
        return names;
    }

    ScratchFolder scratch_;
    std::string big_;
};

TEST_F(ImageWriterTest, RoundTripsThroughTheImageReader) {
    ImageSummary summary = write_image(tree(), output());
    EXPECT_EQ(summary.total_size, std::filesystem::file_size(output()));
    EXPECT_EQ(summary.total_size % abi::kImageBlockSize, 0u);
    EXPECT_EQ(summary.regular_files, 5u);  // tool (twice linked), big.txt, empty, B-upper, a-lower
    EXPECT_EQ(summary.directories, 6u);    // root, bin, etc, etc/sub, etc/sub/deeper, tmp
    EXPECT_EQ(summary.symlinks, 1u);
    EXPECT_EQ(summary.inode_count, 12u);

    FileImageSource source(output());
    auto reader = open_image(source);
    ASSERT_TRUE(reader);
    EXPECT_EQ(reader->inode_count(), 12u);

    // Entries in byte order: upper case before lower case; no "." or "..".
    EXPECT_EQ(names_in(*reader, abi::kImageRootInode), (std::vector<std::string>{"bin", "etc", "tmp"}));
    EXPECT_EQ(names_in(*reader, lookup_path(*reader, "/etc")),
              (std::vector<std::string>{"B-upper", "a-lower", "big.txt", "empty", "sub", "tool-hardlink"}));

    std::uint32_t big = lookup_path(*reader, "/etc/big.txt");
    EXPECT_EQ(read_file(*reader, big), big_);
    const abi::ImageInode* big_inode = reader->inode(big).value();
    EXPECT_EQ(big_inode->mode, static_cast<std::uint32_t>(S_IFREG | 0640));
    EXPECT_EQ(big_inode->uid, 0u);
    EXPECT_EQ(big_inode->gid, 0u);
    EXPECT_EQ(big_inode->mtime_sec, 1700000000);
    EXPECT_EQ(big_inode->mtime_nsec, 123456789u);
    EXPECT_EQ(big_inode->data_offset % abi::kImageBlockSize, 0u);

    std::uint32_t tool = lookup_path(*reader, "/bin/tool");
    EXPECT_EQ(lookup_path(*reader, "/etc/tool-hardlink"), tool);
    EXPECT_EQ(reader->inode(tool).value()->nlink, 2u);
    EXPECT_EQ(reader->inode(tool).value()->mode, static_cast<std::uint32_t>(S_IFREG | 0755));
    EXPECT_EQ(read_file(*reader, tool), "#!/bin/sh\necho tool\n");

    const abi::ImageInode* empty = reader->inode(lookup_path(*reader, "/etc/empty")).value();
    EXPECT_EQ(empty->size, 0u);
    EXPECT_EQ(empty->data_offset, 0u);
    EXPECT_EQ(empty->mode, static_cast<std::uint32_t>(S_IFREG | 0600));

    std::uint32_t link = lookup_path(*reader, "/bin/big-link");
    char target[64] = {};
    auto length = reader->read_link(link, {target, sizeof target});
    ASSERT_FALSE(length.is_error());
    EXPECT_EQ(std::string(target, length.value()), "../etc/big.txt");
    EXPECT_EQ(reader->inode(link).value()->mode & S_IFMT, static_cast<std::uint32_t>(S_IFLNK));

    EXPECT_EQ(reader->inode(abi::kImageRootInode).value()->nlink, 2u + 3u);
    EXPECT_EQ(reader->inode(lookup_path(*reader, "/etc")).value()->nlink, 2u + 1u);
    EXPECT_EQ(reader->inode(lookup_path(*reader, "/etc/sub/deeper")).value()->nlink, 2u);
    EXPECT_EQ(reader->inode(lookup_path(*reader, "/tmp")).value()->mode, static_cast<std::uint32_t>(S_IFDIR | 01777));

    ImageDirent entry;
    ASSERT_TRUE(reader->entry_at(abi::kImageRootInode, 0, entry).value());
    EXPECT_EQ(entry.type, DT_DIR);
    auto missing = reader->lookup(abi::kImageRootInode, "nothing");
    ASSERT_TRUE(missing.is_error());
    EXPECT_EQ(missing.error().code(), ENOENT);
}

TEST_F(ImageWriterTest, InodesAreNumberedBreadthFirst) {
    write_image(tree(), output());
    FileImageSource source(output());
    auto reader = open_image(source);
    ASSERT_TRUE(reader);
    EXPECT_EQ(lookup_path(*reader, "/bin"), 2u);
    EXPECT_EQ(lookup_path(*reader, "/etc"), 3u);
    EXPECT_EQ(lookup_path(*reader, "/tmp"), 4u);
    EXPECT_EQ(lookup_path(*reader, "/bin/big-link"), 5u);
    EXPECT_EQ(lookup_path(*reader, "/bin/tool"), 6u);
}

TEST_F(ImageWriterTest, SameTreeGivesTheSameBytes) {
    write_image(tree(), output());
    std::string first = read_bytes(output());
    write_image(tree(), output());
    EXPECT_EQ(read_bytes(output()), first);
    EXPECT_FALSE(std::filesystem::exists(output().string() + ".tmp-" + std::to_string(::getpid())));
}

TEST_F(ImageWriterTest, EmptyTree) {
    ScratchFolder empty;
    ImageSummary summary = write_image(empty.path(), output());
    EXPECT_EQ(summary.inode_count, 1u);
    FileImageSource source(output());
    auto reader = open_image(source);
    ASSERT_TRUE(reader);
    EXPECT_TRUE(names_in(*reader, abi::kImageRootInode).empty());
}

TEST_F(ImageWriterTest, SpecialFilesAreErrorsNamingThePath) {
    ASSERT_EQ(::mkfifo((tree() / "etc/sub/pipe").c_str(), 0644), 0);
    std::string message = test_support::message_of<UserError>([&] { write_image(tree(), output()); });
    EXPECT_TRUE(contains(message, "image/etc/sub/pipe is a fifo")) << message;
    EXPECT_FALSE(std::filesystem::exists(output()));
}

TEST_F(ImageWriterTest, FingerprintFollowsChanges) {
    std::string original = compute_image_fingerprint(tree());
    EXPECT_EQ(original.size(), 64u);
    EXPECT_EQ(compute_image_fingerprint(tree()), original);

    set_mtime(tree() / "etc/a-lower", 1600000000, 1);
    std::string touched = compute_image_fingerprint(tree());
    EXPECT_NE(touched, original);

    write_bytes(tree() / "etc/a-lower", "changed");
    set_mtime(tree() / "etc/a-lower", 1600000000, 1);
    std::string resized = compute_image_fingerprint(tree());
    EXPECT_NE(resized, touched);

    ::chmod((tree() / "etc/a-lower").c_str(), 0600);
    std::string chmodded = compute_image_fingerprint(tree());
    EXPECT_NE(chmodded, resized);

    std::filesystem::remove(tree() / "bin/big-link");
    make_symlink("../etc/empty", tree() / "bin/big-link");
    set_mtime(tree() / "bin/big-link", 0, 0);
    set_mtime(tree() / "bin", 0, 0);
    std::string relinked = compute_image_fingerprint(tree());
    EXPECT_NE(relinked, chmodded);

    write_bytes(tree() / "etc/sub/new", "");
    EXPECT_NE(compute_image_fingerprint(tree()), relinked);
}

TEST_F(ImageWriterTest, FingerprintFileRoundTrip) {
    std::string fingerprint = compute_image_fingerprint(tree());
    write_fingerprint_file(scratch_ / "image.fingerprint", fingerprint);
    EXPECT_EQ(read_fingerprint_file(scratch_ / "image.fingerprint"), fingerprint);
    EXPECT_FALSE(read_fingerprint_file(scratch_ / "missing").has_value());
}

}  // namespace
}  // namespace cella::cli
