#include "permission.h"

#include <asm-generic/errno.h>

#include "libos/process/process.h"

namespace cella::fs {
namespace {

using base::Error;

constexpr std::uint32_t kGroupExec = 0010;
constexpr std::uint32_t kAnyExec = 0111;

}  // namespace

Caller Caller::of(process::Process& process) {
    const auto& credentials = process.credentials;
    return Caller(process, credentials.uids().filesystem, credentials.gids().filesystem);
}

Caller Caller::real_ids_of(process::Process& process) {
    const auto& credentials = process.credentials;
    return Caller(process, credentials.uids().real, credentials.gids().real);
}

bool Caller::in_group(std::uint32_t gid) const {
    if (gid == gid_) return true;
    base::ScopedLock guard(process_->credentials_lock());
    for (std::uint32_t group : process_->credentials.groups())
        if (group == gid) return true;
    return false;
}

Result<void> check_permission(const FileStat& stat, int may, const Caller& caller) {
    if (caller.privileged()) {
        bool is_directory = (stat.mode & 0170000) == 0040000;
        if ((may & kMayExec) && !is_directory && !(stat.mode & kAnyExec)) return Error::from_errno(EACCES);
        return {};
    }
    std::uint32_t bits;
    if (caller.uid() == stat.uid)
        bits = (stat.mode >> 6) & 7;
    else if (caller.in_group(stat.gid))
        bits = (stat.mode >> 3) & 7;
    else
        bits = stat.mode & 7;
    if ((bits & static_cast<std::uint32_t>(may)) != static_cast<std::uint32_t>(may)) return Error::from_errno(EACCES);
    return {};
}

bool owns(const FileStat& stat, const Caller& caller) { return caller.privileged() || caller.uid() == stat.uid; }

Result<void> check_create(const Inode& directory, const Caller& caller) {
    if (caller.privileged()) return {};
    return check_permission(directory.stat(), kMayWrite | kMayExec, caller);
}

Result<void> check_delete(const Inode& directory, const Inode& victim, const Caller& caller) {
    if (caller.privileged()) return {};
    FileStat folder = directory.stat();
    TRY(check_permission(folder, kMayWrite | kMayExec, caller));
    if ((folder.mode & kSticky) && folder.uid != caller.uid() && victim.stat().uid != caller.uid())
        return Error::from_errno(EPERM);
    return {};
}

Result<void> give_new_node_owner(const Inode& directory, Inode& node, const Caller& caller) {
    FileStat folder = directory.stat();
    bool inherit_group = folder.mode & kSetGid;
    std::uint32_t gid = inherit_group ? folder.gid : caller.gid();
    FileStat made = node.stat();
    if (made.uid != caller.uid() || made.gid != gid) TRY(node.set_owner(caller.uid(), gid));
    if (inherit_group && node.is_directory() && !(made.mode & kSetGid)) TRY(node.set_mode(made.mode | kSetGid));
    // A group-executable set-group-id file made in a set-group-id folder
    // whose group the caller is not in loses the bit (mode_strip_sgid).
    if (inherit_group && !node.is_directory() && (made.mode & kSetGid) && (made.mode & kGroupExec) &&
        !caller.privileged() && !caller.in_group(gid))
        TRY(node.set_mode(made.mode & ~kSetGid));
    return {};
}

Result<void> drop_set_ids_on_write(Inode& inode, const Caller& caller) {
    std::uint32_t mode = inode.mode();
    if (!(mode & (kSetUid | kSetGid)) || caller.privileged() || !inode.is_regular()) return {};
    std::uint32_t kept = mode & ~kSetUid;
    if ((mode & kSetGid) && ((mode & kGroupExec) || !caller.in_group(inode.stat().gid))) kept &= ~kSetGid;
    if (kept != mode) TRY(inode.set_mode(kept));
    return {};
}

std::uint32_t mode_after_chown(const FileStat& stat, const Caller& caller) {
    std::uint32_t mode = stat.mode;
    if ((mode & 0170000) == 0040000) return mode;
    mode &= ~kSetUid;
    if ((mode & kSetGid) && ((mode & kGroupExec) || (!caller.privileged() && !caller.in_group(stat.gid))))
        mode &= ~kSetGid;
    return mode;
}

}  // namespace cella::fs
