#include "imagefs.h"

#include <asm-generic/errno.h>

#include "libos/base/global.h"
#include "libos/base/lock.h"
#include "libos/base/string.h"
#include "libos/base/vector.h"
#include "libos/host/host.h"
#include "libos/fs/image/chunk_cache.h"
#include "libos/fs/image/hash_tree.h"
#include "libos/runtime/log.h"
#include "libos/mm/heap.h"
#include "libos/mm/shared_pages.h"

namespace cella::fs::imagefs {
namespace {

using base::Error;

constexpr std::uint64_t kImageDevice = 0x0801;  // reported as st_dev
constexpr int kEkeyrejected = 129;

class HostImageFile final : public image::ImageFile {
public:
    explicit HostImageFile(int fd) : fd_(fd) {}
    Result<std::size_t> read_at(std::uint64_t offset, std::span<std::uint8_t> out) override {
        return host::pread(fd_, out, offset);
    }

private:
    int fd_;
};

// The image's chunks take a sixteenth of the LibOS heap, at most 8 MiB:
// the libraries and programs a workload starts again and again.
std::size_t cache_chunks() {
    constexpr std::size_t kMostChunks = 8 * 1024 * 1024 / image::ChunkCache::kChunkBytes;
    std::size_t chunks = mm::kernel_heap().capacity() / 16 / image::ChunkCache::kChunkBytes;
    return chunks < kMostChunks ? chunks : kMostChunks;
}

// The page cache of image files mapped MAP_SHARED: one copy of a file
// however many mappings of it there are, in whatever processes (so a
// shared futex in it meets too). Read in whole when first mapped; kept
// while a mapping holds it.
class PageCache {
public:
    Result<RefPtr<mm::SharedPages>> pages_of(std::uint32_t number, Inode& file) {
        base::ScopedLock guard(lock_);
        for (const Entry& entry : entries_)
            if (entry.number == number) return entry.pages;
        // Files no mapping holds any more go first.
        for (std::size_t i = 0; i < entries_.size();) {
            if (entries_[i].pages->ref_count() == 1)
                entries_.remove(i);
            else
                ++i;
        }
        RefPtr<mm::SharedPages> pages = TRY(read_in(file));
        TRY(entries_.try_append(Entry{number, pages}));
        return pages;
    }

private:
    struct Entry {
        std::uint32_t number;
        RefPtr<mm::SharedPages> pages;
    };

    static Result<RefPtr<mm::SharedPages>> read_in(Inode& file) {
        constexpr std::size_t kChunk = 128 * 1024;
        std::uint64_t size = file.stat().size;
        RefPtr<mm::SharedPages> pages = TRY(mm::SharedPages::create(size));
        base::Vector<std::uint8_t> buffer;
        TRY(buffer.try_resize(kChunk));
        for (std::uint64_t done = 0; done < size;) {
            std::size_t want = size - done < kChunk ? size - done : kChunk;
            std::size_t n = TRY(file.read_at(done, buffer.span().first(want)));
            if (n == 0) return Error::from_errno(EIO);  // the image is shorter than its inode says
            TRY(pages->write(done, buffer.span().first(n)));
            done += n;
        }
        return pages;
    }

    base::Mutex lock_;
    base::Vector<Entry> entries_;
};

struct ImageFileSystem {
    explicit ImageFileSystem(int fd) : file(fd), source(file, cache_chunks()) {}
    HostImageFile file;
    image::ChunkCache source;
    base::OwnPtr<image::ImageReader> reader;
    base::Mutex lock;  // the reader caches directories
    PageCache page_cache;
};

// Lock held. Appends to `path` the path of inode `wanted` below directory
// `directory`; false when it is not there (or a directory cannot be read).
bool find_path(image::ImageReader& reader, std::uint32_t directory, std::uint32_t wanted, base::String& path,
               int depth) {
    if (depth > 64) return false;
    image::ImageDirent entry;
    for (std::size_t i = 0;; ++i) {
        auto more = reader.entry_at(directory, i, entry);
        if (more.is_error() || !more.value()) return false;
        std::size_t mark = path.size();
        if (path.try_append("/").is_error() || path.try_append(entry.name).is_error()) return false;
        if (entry.inode == wanted) return true;
        std::uint32_t child = entry.inode;
        if (entry.type == 4 /* DT_DIR */ && find_path(reader, child, wanted, path, depth + 1)) return true;
        path.truncate(mark);
    }
}

// One host-side line for each block found not to match the tree, naming
// the file it belongs to.
void report_mismatch(ImageFileSystem& fs, std::uint32_t number) {
    static std::uint64_t reported = ~std::uint64_t{0};
    std::uint64_t offset = fs.source.last_mismatch();
    if (offset == ~std::uint64_t{0} || offset == reported) return;
    reported = offset;
    base::String path;
    bool found = false;
    {
        base::ScopedLock guard(fs.lock);
        found = number == abi::kImageRootInode ||
                find_path(*fs.reader, abi::kImageRootInode, number, path, 0);
    }
    log::error("the image's block at offset %lu (%s%s, inode %u) does not match the image's hash tree: it was "
               "changed after `cella build`; reading it fails with EIO",
               static_cast<unsigned long>(offset), found && path.size() ? path.c_str() : found ? "/" : "a file",
               found ? "" : " not found in any folder", number);
}

class ImageNode final : public Inode {
public:
    ImageNode(ImageFileSystem& fs, std::uint32_t number, const abi::ImageInode& raw)
        : fs_(fs), number_(number), raw_(raw) {}

    FileStat stat() const override {
        FileStat s;
        s.dev = kImageDevice;
        s.ino = number_;
        s.mode = raw_.mode;
        s.nlink = raw_.nlink;
        s.uid = raw_.uid;
        s.gid = raw_.gid;
        s.size = raw_.size;
        s.blocks = (raw_.size + 511) / 512;
        s.mtime = {raw_.mtime_sec, raw_.mtime_nsec};
        s.atime = s.ctime = s.mtime;
        return s;
    }

    Result<RefPtr<Inode>> lookup(std::string_view name) override {
        base::ScopedLock guard(fs_.lock);
        std::uint32_t child = TRY(fs_.reader->lookup(number_, name));
        const abi::ImageInode* raw = TRY(fs_.reader->inode(child));
        auto node = TRY(base::make_ref<ImageNode>(fs_, child, *raw));
        return RefPtr<Inode>(static_cast<RefPtr<ImageNode>&&>(node));
    }

    Result<bool> entry_at(std::size_t index, DirEntry& out) override {
        base::ScopedLock guard(fs_.lock);
        image::ImageDirent entry;
        if (!TRY(fs_.reader->entry_at(number_, index, entry))) return false;
        out = {entry.inode, entry.type, entry.name};
        return true;
    }

    Result<std::size_t> read_link(std::span<char> out) override {
        return fs_.reader->read_link(number_, out);
    }

    Result<std::size_t> read_at(std::uint64_t offset, std::span<std::uint8_t> out) override {
        auto n = fs_.reader->read(number_, offset, out);
        if (n.is_error() && n.error().code() == EIO) report_mismatch(fs_, number_);
        return n;
    }

    bool read_only() const override { return true; }

    Result<RefPtr<mm::SharedPages>> shared_pages() override {
        if (!is_regular()) return RefPtr<mm::SharedPages>(nullptr);
        return fs_.page_cache.pages_of(number_, *this);
    }

    Result<std::size_t> write_at(std::uint64_t, std::span<const std::uint8_t>) override {
        return Error::from_errno(is_directory() ? EISDIR : EROFS);
    }

private:
    ImageFileSystem& fs_;
    std::uint32_t number_;
    abi::ImageInode raw_;
};

// Lives as long as the LibOS.
base::Global<ImageFileSystem> g_image;

}  // namespace

Result<RefPtr<Inode>> mount(int image_fd, std::uint64_t image_size, const crypto::Sha256Digest& measurement) {
    g_image.construct(image_fd);
    std::uint8_t block0[abi::kImageBlockSize];
    if (image_size < sizeof block0) {
        log::error("the image is %lu bytes long, shorter than its header: it was cut short after `cella build`",
                   static_cast<unsigned long>(image_size));
        return Error::from_errno(EIO);
    }
    for (std::size_t done = 0; done < sizeof block0;) {
        auto n = g_image->file.read_at(done, std::span<std::uint8_t>(block0 + done, sizeof block0 - done));
        if (n.is_error() || n.value() == 0 || n.value() > sizeof block0 - done) return Error::from_errno(EIO);
        done += n.value();
    }
    auto tree = image::HashTree::open(g_image->file, block0, measurement, image_size);
    if (tree.is_error()) {
        if (tree.error().code() == kEkeyrejected)
            log::error("the image's header does not hash to the measurement in build/image.hash: it is another "
                       "instance's image, an older one, or it was changed after `cella build`");
        else
            log::error("the image's hash tree does not fit the image (%lu bytes): it was cut short or changed "
                       "after `cella build`",
                       static_cast<unsigned long>(image_size));
        return tree.error();
    }
    g_image->source.check_with(tree.release_value());
    g_image->reader = TRY(image::ImageReader::open(g_image->source, image_size));
    const abi::ImageInode* root = TRY(g_image->reader->inode(abi::kImageRootInode));
    auto node = TRY(base::make_ref<ImageNode>(g_image.get(), abi::kImageRootInode, *root));
    return RefPtr<Inode>(static_cast<RefPtr<ImageNode>&&>(node));
}

}  // namespace cella::fs::imagefs

namespace cella::fs::imagefs {

void log_stats() {
    if (!g_image.is_constructed()) return;
    image::ChunkCache::Stats s = g_image->source.stats();
    log::debug("image cache: %lu hits, %lu misses (%lu evictions), %lu reads past it, %lu blocks checked against the "
               "hash tree",
               static_cast<unsigned long>(s.hits), static_cast<unsigned long>(s.misses),
               static_cast<unsigned long>(s.evictions), static_cast<unsigned long>(s.bypasses),
               static_cast<unsigned long>(s.blocks_checked));
}

Result<RefPtr<FileSystem>> file_system(std::uint64_t image_size) {
    FsStats stats;
    stats.type = kImageMagic;
    stats.blocks = (image_size + 4095) / 4096;
    stats.files = g_image.is_constructed() && g_image->reader ? g_image->reader->inode_count() : 0;
    stats.fsid = kImageDevice;
    stats.flags |= kStReadOnly;
    auto made = TRY(base::make_ref<FixedFileSystem>("imagefs", "cella-image", "relatime", stats));
    return RefPtr<FileSystem>(made.get());
}

}  // namespace cella::fs::imagefs
