#include "nodes.h"

#include <asm-generic/errno.h>
#include <linux/fcntl.h>

#include <cstring>

#include "open_files.h"

namespace cella::fs::procfs {

using base::Error;

Result<base::Vector<char>> GeneratedFile::generate() const {
    TextBuilder out;
    TRY(generator_(subject_, out));
    return out.take();
}

Result<void> GeneratedFile::take_write(std::string_view text) const {
    if (!writer_) return Error::from_errno(EBADF);
    return writer_(subject_, text);
}

FileStat GeneratedFile::stat() const {
    FileStat s;
    s.dev = kProcDevice;
    s.ino = ino_;
    s.mode = 0100000 | permissions_;
    s.nlink = 1;
    s.block_size = 1024;
    return s;
}

Result<RefPtr<OpenFile>> GeneratedFile::open(int flags) {
    bool path_only = flags & O_PATH;
    // Files without a writer refuse writes at open, as Linux's 0444 mode does.
    if (!path_only && (flags & O_ACCMODE) != O_RDONLY && !writer_) return Error::from_errno(EACCES);
    base::Vector<char> text;
    if (!path_only && (flags & O_ACCMODE) != O_WRONLY) text = TRY(generate());
    auto file = TRY(
        base::make_ref<SnapshotFile>(RefPtr<GeneratedFile>(this), flags, static_cast<base::Vector<char>&&>(text)));
    return RefPtr<OpenFile>(static_cast<RefPtr<SnapshotFile>&&>(file));
}

Result<std::size_t> GeneratedFile::read_at(std::uint64_t offset, std::span<std::uint8_t> out) {
    base::Vector<char> text = TRY(generate());
    return copy_text_at(text, offset, out);
}

Result<void> GeneratedFile::truncate(std::uint64_t) {
    if (!writer_) return Error::from_errno(EACCES);
    return {};
}

FileStat GeneratedSymlink::stat() const {
    FileStat s;
    s.dev = kProcDevice;
    s.ino = ino_;
    s.mode = 0120000 | permissions_;
    s.nlink = 1;
    s.block_size = 1024;
    return s;
}

Result<std::size_t> GeneratedSymlink::read_link(std::span<char> out) {
    TextBuilder target;
    TRY(generator_(subject_, target));
    std::string_view text = target.view();
    std::size_t n = text.size() < out.size() ? text.size() : out.size();
    std::memcpy(out.data(), text.data(), n);
    return n;
}

RefPtr<OpenFile> GeneratedSymlink::magic_link_target() { return magic_ ? magic_(subject_) : nullptr; }

FileStat ProcDirectory::stat() const {
    FileStat s;
    s.dev = kProcDevice;
    s.ino = ino_;
    s.mode = 0040555;
    s.nlink = 2;
    s.block_size = 1024;
    return s;
}

Result<RefPtr<OpenFile>> ProcDirectory::open(int flags) {
    auto file = TRY(base::make_ref<ListingFile>(RefPtr<ProcDirectory>(this), flags));
    return RefPtr<OpenFile>(static_cast<RefPtr<ListingFile>&&>(file));
}

// open(O_CREAT) of a new name fails with EACCES; the other changes with EPERM.
Result<RefPtr<Inode>> ProcDirectory::create_file(std::string_view, std::uint32_t) {
    return Error::from_errno(EACCES);
}
Result<RefPtr<Inode>> ProcDirectory::make_directory(std::string_view, std::uint32_t) {
    return Error::from_errno(EPERM);
}
Result<RefPtr<Inode>> ProcDirectory::make_symlink(std::string_view, std::string_view) {
    return Error::from_errno(EPERM);
}
Result<void> ProcDirectory::add_link(std::string_view, Inode&) { return Error::from_errno(EPERM); }
Result<void> ProcDirectory::remove(std::string_view, bool) { return Error::from_errno(EPERM); }
Result<void> ProcDirectory::rename(std::string_view, Inode&, std::string_view, bool) {
    return Error::from_errno(EPERM);
}

}  // namespace cella::fs::procfs
