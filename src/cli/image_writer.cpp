#include "image_writer.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "abi/image_format.h"
#include "atomic_file.h"
#include "image_hash_tree.h"
#include "sorted_listing.h"
#include "user_error.h"

namespace cella::cli {
namespace {

static_assert(std::endian::native == std::endian::little, "the image format is little-endian, as is x86-64");

// The image reader's limits (libos/fs/image/image_reader.cpp).
constexpr std::uint64_t kMaxInodes = std::uint64_t{1} << 24;
constexpr std::uint64_t kMaxSymlinkTarget = 4095;

std::uint64_t align_to_block(std::uint64_t offset) {
    return (offset + abi::kImageBlockSize - 1) / abi::kImageBlockSize * abi::kImageBlockSize;
}

std::string describe_special(mode_t mode) {
    if (S_ISFIFO(mode)) return "a fifo";
    if (S_ISSOCK(mode)) return "a socket";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    return "a special file";
}

struct Node {
    std::string shown;           // "image/a/b", for messages
    std::filesystem::path host;  // where the contents are read from
    struct stat status {};
    std::uint32_t nlink = 1;
    std::string link_target;            // symlinks
    std::vector<std::uint8_t> entries;  // folders: the packed entry list
    std::uint64_t data_offset = 0;

    bool is_directory() const { return S_ISDIR(status.st_mode); }
    std::uint64_t size() const {
        if (S_ISDIR(status.st_mode)) return entries.size();
        if (S_ISLNK(status.st_mode)) return link_target.size();
        return static_cast<std::uint64_t>(status.st_size);
    }
};

void append_entry(std::vector<std::uint8_t>& entries, std::uint32_t inode, std::uint8_t type, const std::string& name) {
    abi::ImageDirEntry entry{};
    entry.inode = inode;
    entry.name_length = static_cast<std::uint16_t>(name.size());
    entry.type = type;
    std::size_t start = entries.size();
    entries.resize(start + abi::image_dir_entry_size(static_cast<std::uint32_t>(name.size())), 0);
    std::memcpy(entries.data() + start, &entry, sizeof entry);
    std::memcpy(entries.data() + start + sizeof entry, name.data(), name.size());
}

// The tree of image/ as inodes numbered breadth-first (the root is 1).
class TreeScanner {
public:
    std::vector<Node> scan(const std::filesystem::path& image_dir) {
        Node root;
        root.shown = "image";
        root.host = image_dir;
        if (::stat(image_dir.c_str(), &root.status) != 0 || !root.is_directory())
            throw UserError(image_dir.string() + " is not a folder");
        root.nlink = 2;
        nodes_.push_back(std::move(root));
        // nodes_ grows while it is walked: every folder appended is listed
        // in its turn, which makes the walk breadth-first.
        for (std::size_t index = 0; index < nodes_.size(); ++index)
            if (nodes_[index].is_directory()) list_folder(index);
        return std::move(nodes_);
    }

private:
    void list_folder(std::size_t index) {
        std::filesystem::path folder = nodes_[index].host;
        std::string shown = nodes_[index].shown;
        std::vector<std::string> names = sorted_names(folder, shown);
        std::vector<std::uint8_t> entries;
        for (const std::string& name : names) {
            if (name.size() > abi::kImageMaxNameLength)
                throw UserError(shown + "/" + name + ": the name is longer than " +
                                std::to_string(abi::kImageMaxNameLength) + " bytes");
            auto [inode, type] = add_child(folder / name, shown + "/" + name, index);
            append_entry(entries, inode, type, name);
        }
        nodes_[index].entries = std::move(entries);
    }

    std::pair<std::uint32_t, std::uint8_t> add_child(const std::filesystem::path& host, const std::string& shown,
                                                     std::size_t parent) {
        Node node;
        node.shown = shown;
        node.host = host;
        if (::lstat(host.c_str(), &node.status) != 0)
            throw UserError("cannot read " + shown + ": " + std::strerror(errno));
        mode_t mode = node.status.st_mode;
        std::uint8_t type = DT_REG;
        if (S_ISDIR(mode)) {
            type = DT_DIR;
            node.nlink = 2;
            ++nodes_[parent].nlink;
        } else if (S_ISLNK(mode)) {
            type = DT_LNK;
            std::error_code error;
            node.link_target = std::filesystem::read_symlink(host, error).string();
            if (error) throw UserError("cannot read symlink " + shown + ": " + error.message());
            if (node.link_target.empty() || node.link_target.size() > kMaxSymlinkTarget)
                throw UserError(shown + ": a symlink target must be 1 to 4095 bytes");
        } else if (!S_ISREG(mode)) {
            throw UserError(shown + " is " + describe_special(mode) +
                            "; an image holds only regular files, folders and symlinks");
        }
        std::uint32_t number = next_number();
        if (!S_ISDIR(mode)) {
            // Hard links within the tree share one inode.
            auto [it, is_new] = first_link_.try_emplace({node.status.st_dev, node.status.st_ino}, number);
            if (!is_new) {
                ++nodes_[it->second - 1].nlink;
                return {it->second, type};
            }
        }
        nodes_.push_back(std::move(node));
        return {number, type};
    }

    std::uint32_t next_number() const {
        if (nodes_.size() + 1 > kMaxInodes)
            throw UserError("image/ holds more than " + std::to_string(kMaxInodes) + " files, more than an image can");
        return static_cast<std::uint32_t>(nodes_.size() + 1);
    }

    std::vector<Node> nodes_;
    std::map<std::pair<dev_t, ino_t>, std::uint32_t> first_link_;
};

// Places the header, the inode table and every inode's data; returns the
// total size.
std::uint64_t lay_out(std::vector<Node>& nodes, abi::ImageHeader& header) {
    std::memcpy(header.magic, abi::kImageMagic, sizeof header.magic);
    header.version = abi::kImageVersion;
    header.block_size = abi::kImageBlockSize;
    header.flags = 0;
    header.inode_count = static_cast<std::uint32_t>(nodes.size());
    header.inode_table_offset = abi::kImageBlockSize;
    header.data_offset = align_to_block(header.inode_table_offset + nodes.size() * sizeof(abi::ImageInode));
    std::uint64_t cursor = header.data_offset;
    for (Node& node : nodes) {
        if (node.size() == 0) continue;
        node.data_offset = cursor;
        cursor = align_to_block(cursor + node.size());
    }
    header.total_size = cursor;
    return cursor;
}

abi::ImageInode inode_of(const Node& node) {
    abi::ImageInode inode{};
    inode.mode = node.status.st_mode & (S_IFMT | 07777);
    inode.uid = 0;
    inode.gid = 0;
    inode.nlink = node.nlink;
    inode.size = node.size();
    inode.data_offset = node.data_offset;
    inode.mtime_sec = node.status.st_mtim.tv_sec;
    inode.mtime_nsec = static_cast<std::uint32_t>(node.status.st_mtim.tv_nsec);
    return inode;
}

template <typename T>
std::span<const std::uint8_t> bytes_of(const T& value) {
    return {reinterpret_cast<const std::uint8_t*>(&value), sizeof value};
}

void copy_file_contents(const Node& node, AtomicFile& out) {
    int fd = ::open(node.host.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw UserError("cannot read " + node.shown + ": " + std::strerror(errno));
    std::vector<std::uint8_t> buffer(1 << 16);
    std::uint64_t remaining = node.size();
    bool changed = false;
    while (remaining > 0) {
        std::size_t want = remaining < buffer.size() ? static_cast<std::size_t>(remaining) : buffer.size();
        ssize_t count = ::read(fd, buffer.data(), want);
        if (count < 0 && errno == EINTR) continue;
        if (count <= 0) {
            changed = count == 0;
            break;
        }
        out.write({buffer.data(), static_cast<std::size_t>(count)});
        remaining -= static_cast<std::uint64_t>(count);
    }
    std::uint8_t extra;
    if (remaining == 0 && ::read(fd, &extra, 1) > 0) changed = true;
    int saved_errno = errno;
    ::close(fd);
    if (changed) throw UserError(node.shown + " changed while the image was written; run `cella build` again");
    if (remaining != 0) throw UserError("cannot read " + node.shown + ": " + std::strerror(saved_errno));
}

}  // namespace

ImageSummary write_image(const std::filesystem::path& image_dir, const std::filesystem::path& output) {
    std::vector<Node> nodes = TreeScanner().scan(image_dir);
    abi::ImageHeader header{};
    std::uint64_t total_size = lay_out(nodes, header);

    AtomicFile out(output);
    out.write(bytes_of(header));
    out.write_zeros(header.inode_table_offset - out.position());
    for (const Node& node : nodes) out.write(bytes_of(inode_of(node)));
    out.write_zeros(header.data_offset - out.position());

    ImageSummary summary;
    summary.total_size = total_size;
    summary.inode_count = header.inode_count;
    for (const Node& node : nodes) {
        if (node.is_directory())
            ++summary.directories;
        else if (S_ISLNK(node.status.st_mode))
            ++summary.symlinks;
        else
            ++summary.regular_files;
        if (node.size() == 0) continue;
        out.write_zeros(node.data_offset - out.position());
        if (node.is_directory())
            out.write(node.entries);
        else if (S_ISLNK(node.status.st_mode))
            out.write({reinterpret_cast<const std::uint8_t*>(node.link_target.data()), node.link_target.size()});
        else
            copy_file_contents(node, out);
    }
    out.write_zeros(total_size - out.position());
    append_hash_tree(out, header);
    out.overwrite(0, bytes_of(header));
    out.commit();
    summary.total_size = header.total_size;
    summary.measurement = image_measurement(header);
    return summary;
}

}  // namespace cella::cli
