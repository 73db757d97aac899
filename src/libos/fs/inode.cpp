#include "inode.h"

#include <asm-generic/errno.h>

#include "open_file.h"

namespace cella::fs {

using base::Error;

Result<RefPtr<Inode>> Inode::lookup(std::string_view) { return Error::from_errno(ENOTDIR); }
Result<bool> Inode::entry_at(std::size_t, DirEntry&) { return Error::from_errno(ENOTDIR); }
Result<std::size_t> Inode::read_link(std::span<char>) { return Error::from_errno(EINVAL); }

Result<std::size_t> Inode::read_at(std::uint64_t, std::span<std::uint8_t>) {
    return Error::from_errno(is_directory() ? EISDIR : EINVAL);
}

Result<std::size_t> Inode::write_at(std::uint64_t, std::span<const std::uint8_t>) {
    return Error::from_errno(is_directory() ? EISDIR : EINVAL);
}

Result<RefPtr<OpenFile>> Inode::open(int flags) {
    auto file = TRY(base::make_ref<InodeFile>(RefPtr<Inode>(this), flags));
    return RefPtr<OpenFile>(static_cast<RefPtr<InodeFile>&&>(file));
}

}  // namespace cella::fs
