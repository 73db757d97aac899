#include "inode.h"

#include <asm-generic/errno.h>

#include "libos/mm/shared_pages.h"
#include "open_file.h"

namespace cella::fs {

using base::Error;

Result<RefPtr<Inode>> Inode::lookup(std::string_view) { return Error::from_errno(ENOTDIR); }
Result<bool> Inode::entry_at(std::size_t, DirEntry&) { return Error::from_errno(ENOTDIR); }
Result<std::size_t> Inode::read_link(std::span<char>) { return Error::from_errno(EINVAL); }
RefPtr<OpenFile> Inode::magic_link_target() { return nullptr; }

namespace {
Error cannot_change(const Inode& inode) { return Error::from_errno(inode.read_only() ? EROFS : ENOTDIR); }
Error cannot_change_file(const Inode& inode) { return Error::from_errno(inode.read_only() ? EROFS : EPERM); }
}  // namespace

Result<RefPtr<Inode>> Inode::create_file(std::string_view, std::uint32_t) { return cannot_change(*this); }
Result<RefPtr<Inode>> Inode::make_directory(std::string_view, std::uint32_t) { return cannot_change(*this); }
Result<RefPtr<Inode>> Inode::make_symlink(std::string_view, std::string_view) { return cannot_change(*this); }
Result<RefPtr<Inode>> Inode::make_special(std::string_view, std::uint32_t) { return cannot_change(*this); }
Result<void> Inode::add_link(std::string_view, Inode&) { return cannot_change(*this); }
Result<void> Inode::remove(std::string_view, bool) { return cannot_change(*this); }
Result<void> Inode::rename(std::string_view, Inode&, std::string_view, bool) { return cannot_change(*this); }
Result<RefPtr<Inode>> Inode::create_unnamed(std::uint32_t, bool) {
    if (!is_directory()) return Error::from_errno(ENOTDIR);
    return Error::from_errno(read_only() ? EROFS : EOPNOTSUPP);
}
Result<long> Inode::fcntl_special(int, std::uint64_t, const OpenFile&) { return Error::from_errno(EINVAL); }
Result<void> Inode::truncate(std::uint64_t) {
    if (is_directory()) return Error::from_errno(EISDIR);
    return Error::from_errno(read_only() ? EROFS : EINVAL);
}
Result<void> Inode::set_mode(std::uint32_t) { return cannot_change_file(*this); }
Result<void> Inode::set_times(const Timestamp*, const Timestamp*) { return cannot_change_file(*this); }
Result<void> Inode::set_owner(std::uint32_t, std::uint32_t) { return cannot_change_file(*this); }

Result<std::size_t> Inode::read_at(std::uint64_t, std::span<std::uint8_t>) {
    return Error::from_errno(is_directory() ? EISDIR : EINVAL);
}

Result<std::size_t> Inode::write_at(std::uint64_t, std::span<const std::uint8_t>) {
    return Error::from_errno(is_directory() ? EISDIR : EINVAL);
}

Result<void> Inode::allocate(int, std::uint64_t, std::uint64_t) { return Error::from_errno(EOPNOTSUPP); }

Result<std::uint64_t> Inode::seek_data(std::uint64_t offset, bool hole) {
    std::uint64_t size = stat().size;
    if (offset >= size) return Error::from_errno(ENXIO);
    return hole ? size : offset;
}

Result<RefPtr<mm::SharedPages>> Inode::shared_pages() { return RefPtr<mm::SharedPages>(nullptr); }

Result<RefPtr<OpenFile>> Inode::open(int flags) {
    auto file = TRY(base::make_ref<InodeFile>(RefPtr<Inode>(this), flags));
    return RefPtr<OpenFile>(static_cast<RefPtr<InodeFile>&&>(file));
}

}  // namespace cella::fs
