#include "image_reader.h"

#include <asm-generic/errno.h>
#include "abi/file_mode.h"

#include <cstring>

namespace cella::fs::image {
namespace {

using base::Error;

constexpr std::uint32_t kDirentTypeMax = 14;  // DT_WHT

bool range_ok(std::uint64_t offset, std::uint64_t size, std::uint64_t total) {
    return offset <= total && size <= total - offset;
}

Error corrupt() { return Error::from_errno(EIO); }

}  // namespace

Result<base::OwnPtr<ImageReader>> ImageReader::open(ImageSource& source, std::uint64_t file_size) {
    auto reader = TRY(base::make_own<ImageReader>(source, file_size));
    abi::ImageHeader& header = reader->header_;
    if (file_size < abi::kImageBlockSize) return corrupt();
    TRY(source.read_exact(0, {reinterpret_cast<std::uint8_t*>(&header), sizeof header}));
    if (std::memcmp(header.magic, abi::kImageMagic, sizeof header.magic) != 0) return corrupt();
    if (header.version != abi::kImageVersion || header.block_size != abi::kImageBlockSize) return corrupt();
    if (header.flags & ~abi::kImageFlagHashTree) return Error::from_errno(EOPNOTSUPP);
    if (header.total_size != file_size || header.inode_count == 0 || header.inode_count > (1u << 24))
        return corrupt();
    std::uint64_t table_size = std::uint64_t{header.inode_count} * sizeof(abi::ImageInode);
    if (header.inode_table_offset % abi::kImageBlockSize != 0 ||
        !range_ok(header.inode_table_offset, table_size, file_size) ||
        header.data_offset < header.inode_table_offset + table_size || header.data_offset > file_size)
        return corrupt();
    TRY(reader->inodes_.try_resize(header.inode_count));
    TRY(source.read_exact(header.inode_table_offset,
                          {reinterpret_cast<std::uint8_t*>(reader->inodes_.data()), table_size}));
    for (const abi::ImageInode& inode : reader->inodes_) TRY(reader->validate_inode(inode));
    const abi::ImageInode& root = reader->inodes_[abi::kImageRootInode - 1];
    if ((root.mode & abi::kModeTypeMask) != abi::kModeDirectory) return corrupt();
    return reader;
}

Result<void> ImageReader::validate_inode(const abi::ImageInode& inode) const {
    switch (inode.mode & abi::kModeTypeMask) {
    case abi::kModeRegular:
    case abi::kModeDirectory:
        break;
    case abi::kModeSymlink:
        if (inode.size == 0 || inode.size > 4095) return corrupt();
        break;
    default:
        return corrupt();
    }
    if (inode.size != 0) {
        if (inode.data_offset % abi::kImageBlockSize != 0 || inode.data_offset < header_.data_offset ||
            !range_ok(inode.data_offset, inode.size, file_size_))
            return corrupt();
    }
    return {};
}

Result<const abi::ImageInode*> ImageReader::inode(std::uint32_t number) const {
    if (number == 0 || number > inodes_.size()) return corrupt();
    return &inodes_[number - 1];
}

Result<std::size_t> ImageReader::read(std::uint32_t number, std::uint64_t offset, std::span<std::uint8_t> out) {
    const abi::ImageInode* node = TRY(inode(number));
    if ((node->mode & abi::kModeTypeMask) == abi::kModeDirectory) return Error::from_errno(EISDIR);
    if ((node->mode & abi::kModeTypeMask) != abi::kModeRegular) return Error::from_errno(EINVAL);
    if (offset >= node->size) return std::size_t{0};
    std::uint64_t count = node->size - offset;
    if (count > out.size()) count = out.size();
    TRY(source_.read_exact(node->data_offset + offset, out.first(count)));
    return static_cast<std::size_t>(count);
}

Result<std::size_t> ImageReader::read_link(std::uint32_t number, std::span<char> out) {
    const abi::ImageInode* node = TRY(inode(number));
    if ((node->mode & abi::kModeTypeMask) != abi::kModeSymlink) return Error::from_errno(EINVAL);
    std::size_t count = node->size < out.size() ? node->size : out.size();
    TRY(source_.read_exact(node->data_offset, {reinterpret_cast<std::uint8_t*>(out.data()), count}));
    return count;
}

Result<ImageReader::Directory*> ImageReader::directory(std::uint32_t number) {
    if (auto* cached = directories_.find(number)) return cached->get();
    const abi::ImageInode* node = TRY(inode(number));
    if ((node->mode & abi::kModeTypeMask) != abi::kModeDirectory) return Error::from_errno(ENOTDIR);
    auto dir = TRY(base::make_own<Directory>());
    TRY(dir->data.try_resize(node->size));
    if (node->size) TRY(source_.read_exact(node->data_offset, dir->data.span()));
    // Validate every entry once; lookups then trust the parsed offsets.
    std::uint64_t offset = 0;
    std::string_view previous;
    while (offset < node->size) {
        if (node->size - offset < sizeof(abi::ImageDirEntry)) return corrupt();
        abi::ImageDirEntry entry;
        std::memcpy(&entry, dir->data.data() + offset, sizeof entry);
        std::uint64_t size = abi::image_dir_entry_size(entry.name_length);
        if (entry.name_length == 0 || entry.name_length > abi::kImageMaxNameLength || size > node->size - offset ||
            entry.inode == 0 || entry.inode > inodes_.size() || entry.type > kDirentTypeMax)
            return corrupt();
        std::string_view name(reinterpret_cast<const char*>(dir->data.data() + offset + sizeof entry),
                              entry.name_length);
        if (name == "." || name == ".." || name.find('/') != std::string_view::npos ||
            name.find('\0') != std::string_view::npos || (!previous.empty() && !(previous < name)))
            return corrupt();
        previous = name;
        TRY(dir->entry_offsets.try_append(static_cast<std::uint32_t>(offset)));
        offset += size;
    }
    Directory* raw = dir.get();
    TRY(directories_.try_set(number, std::move(dir)));
    return raw;
}

Result<bool> ImageReader::entry_at(std::uint32_t number, std::size_t index, ImageDirent& out) {
    Directory* dir = TRY(directory(number));
    if (index >= dir->entry_offsets.size()) return false;
    abi::ImageDirEntry entry;
    const std::uint8_t* at = dir->data.data() + dir->entry_offsets[index];
    std::memcpy(&entry, at, sizeof entry);
    out.inode = entry.inode;
    out.type = entry.type;
    out.name = std::string_view(reinterpret_cast<const char*>(at + sizeof entry), entry.name_length);
    return true;
}

Result<std::uint32_t> ImageReader::lookup(std::uint32_t number, std::string_view name) {
    Directory* dir = TRY(directory(number));
    // Entries are sorted by name: binary search.
    std::size_t low = 0, high = dir->entry_offsets.size();
    while (low < high) {
        std::size_t middle = low + (high - low) / 2;
        ImageDirent entry;
        TRY(entry_at(number, middle, entry));
        if (entry.name == name) return entry.inode;
        if (entry.name < name)
            low = middle + 1;
        else
            high = middle;
    }
    return Error::from_errno(ENOENT);
}

}  // namespace cella::fs::image
