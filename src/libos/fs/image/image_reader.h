#pragma once
// Reads a cella image (abi/image_format.h) through an ImageSource. The
// image file lives on the untrusted host, so every header field, inode and
// directory entry is checked against the file size and the format's rules
// before use. Freestanding: the LibOS's imagefs uses it, and the host-side
// unit tests read what the image writer produced with it.
#include <cstdint>
#include <span>
#include <string_view>

#include "abi/image_format.h"
#include "libos/base/hash_map.h"
#include "libos/base/own_ptr.h"
#include "libos/base/result.h"
#include "libos/base/vector.h"

namespace cella::fs::image {

using base::Result;

class ImageSource {
public:
    // Fills `out` from byte `offset` of the image, or fails with EIO.
    virtual Result<void> read_exact(std::uint64_t offset, std::span<std::uint8_t> out) = 0;

protected:
    ~ImageSource() = default;
};

struct ImageDirent {
    std::uint32_t inode;
    std::uint8_t type;  // DT_*
    std::string_view name;  // valid until the reader is destroyed
};

class ImageReader {
public:
    // Reads and validates the header and the inode table.
    static Result<base::OwnPtr<ImageReader>> open(ImageSource& source, std::uint64_t file_size);

    std::uint32_t inode_count() const { return static_cast<std::uint32_t>(inodes_.size()); }
    Result<const abi::ImageInode*> inode(std::uint32_t number) const;

    // Regular files: bytes read (short at end of file).
    Result<std::size_t> read(std::uint32_t number, std::uint64_t offset, std::span<std::uint8_t> out);
    // Symlinks: the target.
    Result<std::size_t> read_link(std::uint32_t number, std::span<char> out);
    // Directories: the entry named `name` (ENOENT if none, ENOTDIR if not a directory).
    Result<std::uint32_t> lookup(std::uint32_t directory, std::string_view name);
    // Directories: the entry at position `index` (0-based), or nothing past the end.
    Result<bool> entry_at(std::uint32_t directory, std::size_t index, ImageDirent& out);

    ImageReader(ImageSource& source, std::uint64_t file_size) : source_(source), file_size_(file_size) {}

private:
    struct Directory {
        base::Vector<std::uint8_t> data;
        base::Vector<std::uint32_t> entry_offsets;
    };
    Result<Directory*> directory(std::uint32_t number);
    Result<void> validate_inode(const abi::ImageInode& inode) const;

    ImageSource& source_;
    std::uint64_t file_size_;
    abi::ImageHeader header_{};
    base::Vector<abi::ImageInode> inodes_;
    base::HashMap<std::uint32_t, base::OwnPtr<Directory>> directories_;
};

}  // namespace cella::fs::image
