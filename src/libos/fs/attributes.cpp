#include "attributes.h"

#include <asm-generic/errno.h>

namespace cella::fs {
namespace {

using base::Error;

Result<void> check_writable_file_system(const Inode& inode) {
    if (inode.read_only()) return Error::from_errno(EROFS);
    return {};
}

}  // namespace

Result<void> change_mode(Inode& inode, std::uint32_t mode, const Caller& caller) {
    TRY(check_writable_file_system(inode));
    FileStat stat = inode.stat();
    if (!owns(stat, caller)) return Error::from_errno(EPERM);
    mode &= 07777;
    if ((mode & kSetGid) && !caller.privileged() && !caller.in_group(stat.gid)) mode &= ~kSetGid;
    return inode.set_mode(mode);
}

Result<void> change_owner(Inode& inode, std::uint32_t uid, std::uint32_t gid, const Caller& caller) {
    TRY(check_writable_file_system(inode));
    FileStat stat = inode.stat();
    std::uint32_t new_uid = uid == kUnchangedId ? stat.uid : uid;
    std::uint32_t new_gid = gid == kUnchangedId ? stat.gid : gid;
    if (!caller.privileged()) {
        // An id left unchanged (-1) is not checked at all, as in setattr_prepare.
        bool owner = caller.uid() == stat.uid;
        if (uid != kUnchangedId && (!owner || new_uid != stat.uid)) return Error::from_errno(EPERM);
        if (gid != kUnchangedId && (!owner || (new_gid != stat.gid && !caller.in_group(new_gid))))
            return Error::from_errno(EPERM);
    }
    std::uint32_t mode = mode_after_chown(stat, caller);
    TRY(inode.set_owner(new_uid, new_gid));
    if (mode != stat.mode) TRY(inode.set_mode(mode));
    return {};
}

Result<void> change_times(Inode& inode, const TimesChange& change, const Caller& caller) {
    TRY(check_writable_file_system(inode));
    FileStat stat = inode.stat();
    if (!owns(stat, caller)) {
        if (!change.touch) return Error::from_errno(EPERM);
        TRY(check_permission(stat, kMayWrite, caller));
    }
    return inode.set_times(change.set_access ? &change.access : nullptr, change.set_modify ? &change.modify : nullptr);
}

}  // namespace cella::fs
