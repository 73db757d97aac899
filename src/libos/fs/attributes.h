#pragma once
// Changing a file's metadata with Linux's rules (chmod_common,
// chown_common, vfs_utimes and setattr_prepare): who may, and which
// set-id bits a change clears.
#include <cstdint>

#include "permission.h"

namespace cella::fs {

// chmod: the owner or privileged (EPERM); a caller outside the file's
// group cannot set set-group-id.
Result<void> change_mode(Inode& inode, std::uint32_t mode, const Caller& caller);

// chown: kUnchangedId keeps an id. Only the privileged give a file away;
// its owner may move it to one of the owner's groups. A non-folder loses
// set-user-id, and set-group-id as a write does.
inline constexpr std::uint32_t kUnchangedId = 0xffffffffu;
Result<void> change_owner(Inode& inode, std::uint32_t uid, std::uint32_t gid, const Caller& caller);

// utimensat: each time is set (explicitly or to now) or left alone.
struct TimesChange {
    bool set_access = true, set_modify = true;
    Timestamp access, modify;
    // Both "now" (times NULL or UTIME_NOW twice): write permission is
    // enough; any other change needs the owner (EPERM).
    bool touch = true;
};
Result<void> change_times(Inode& inode, const TimesChange& change, const Caller& caller);

}  // namespace cella::fs
