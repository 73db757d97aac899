#pragma once
// Extended attributes as tmpfs keeps them: a set of named values per
// inode, and the rules of the calls (Linux's fs/xattr.c and tmpfs's
// handlers): the user.*, trusted.* and security.* namespaces, trusted.*
// for the privileged only, user.* only on regular files and folders.
#include <asm-generic/errno.h>

#include <cstdint>
#include <span>
#include <string_view>

#include "libos/base/lock.h"
#include "libos/base/string.h"
#include "libos/base/vector.h"
#include "permission.h"

namespace cella::fs {

inline constexpr std::size_t kXattrNameMax = 255;     // XATTR_NAME_MAX
inline constexpr std::size_t kXattrSizeMax = 65536;   // XATTR_SIZE_MAX
inline constexpr std::size_t kXattrListMax = 65536;   // XATTR_LIST_MAX
inline constexpr int kXattrCreate = 1, kXattrReplace = 2;

class XattrSet {
public:
    // The value's size; copies it into `out` unless `out` is empty (a size
    // query). ENODATA when missing, ERANGE when `out` is too small.
    Result<std::size_t> get(std::string_view name, std::span<std::uint8_t> out);
    Result<void> set(std::string_view name, std::span<const std::uint8_t> value, int flags);
    Result<void> remove(std::string_view name);
    // NUL-terminated names that `include` accepts; as get() for the size.
    template <typename F>
    Result<std::size_t> list(std::span<char> out, F&& include) {
        base::ScopedLock guard(lock_);
        std::size_t total = 0;
        for (const Entry& entry : entries_) {
            if (!include(entry.name.view())) continue;
            std::size_t length = entry.name.size() + 1;
            if (!out.empty()) {
                if (out.size() - total < length) return base::Error::from_errno(ERANGE);
                __builtin_memcpy(out.data() + total, entry.name.c_str(), length);
            }
            total += length;
        }
        return total;
    }

private:
    struct Entry {
        base::String name;
        base::Vector<std::uint8_t> value;
    };
    Entry* find(std::string_view name, std::size_t* index = nullptr);

    base::Mutex lock_;
    base::Vector<Entry> entries_;
};

// The calls, with Linux's checks, on a resolved inode. `out` empty: a size query.
Result<std::size_t> get_xattr(Inode& inode, std::string_view name, std::span<std::uint8_t> out, const Caller& caller);
Result<void> set_xattr(Inode& inode, std::string_view name, std::span<const std::uint8_t> value, int flags,
                       const Caller& caller);
Result<void> remove_xattr(Inode& inode, std::string_view name, const Caller& caller);
Result<std::size_t> list_xattrs(Inode& inode, std::span<char> out, const Caller& caller);

}  // namespace cella::fs
