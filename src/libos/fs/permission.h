#pragma once
// Who may do what to a file: Linux's discretionary access control. A
// caller is the set of ids a check uses (the filesystem ids, or the real
// ids for access()); uid 0 is privileged as root's capabilities make it
// (CAP_DAC_OVERRIDE, CAP_FOWNER, CAP_FSETID, CAP_CHOWN), except that
// running a file still needs one x bit.
#include <cstdint>

#include "inode.h"

namespace cella::process {
class Process;
}

namespace cella::fs {

inline constexpr int kMayExec = 1, kMayWrite = 2, kMayRead = 4;
inline constexpr std::uint32_t kSetUid = 04000, kSetGid = 02000, kSticky = 01000;

class Caller {
public:
    // The filesystem ids (fsuid, fsgid) and supplementary groups.
    static Caller of(process::Process& process);
    // access()/faccessat() without AT_EACCESS check with the real ids.
    static Caller real_ids_of(process::Process& process);

    std::uint32_t uid() const { return uid_; }
    std::uint32_t gid() const { return gid_; }
    bool privileged() const { return uid_ == 0; }
    // The caller's group or one of its supplementary groups.
    bool in_group(std::uint32_t gid) const;

private:
    Caller(process::Process& process, std::uint32_t uid, std::uint32_t gid)
        : process_(&process), uid_(uid), gid_(gid) {}
    process::Process* process_;
    std::uint32_t uid_;
    std::uint32_t gid_;
};

// `may`: kMayRead | kMayWrite | kMayExec. EACCES when the owner, group or
// other bits (whichever apply to the caller) lack one.
Result<void> check_permission(const FileStat& stat, int may, const Caller& caller);
inline Result<void> check_permission(const Inode& inode, int may, const Caller& caller) {
    if (caller.privileged() && !(may & kMayExec)) return {};
    return check_permission(inode.stat(), may, caller);
}
// The owner, or privileged (Linux's inode_owner_or_capable).
bool owns(const FileStat& stat, const Caller& caller);

// Adding a name to `directory`: write and search permission on it.
Result<void> check_create(const Inode& directory, const Caller& caller);
// Removing (or renaming away) `victim` from `directory`: write and search
// permission, and in a sticky folder only the file's or the folder's owner.
Result<void> check_delete(const Inode& directory, const Inode& victim, const Caller& caller);

// A new node takes the caller's ids, or the folder's group when the folder
// is set-group-id (a new folder then inherits the bit).
Result<void> give_new_node_owner(const Inode& directory, Inode& node, const Caller& caller);

// What a write or truncate by `caller` does to a set-id file: an
// unprivileged writer clears set-user-id, and set-group-id when group
// execute is set or the caller is not in the file's group.
Result<void> drop_set_ids_on_write(Inode& inode, const Caller& caller);
// The same bits for chown (by anyone, privileged or not), on non-folders.
std::uint32_t mode_after_chown(const FileStat& stat, const Caller& caller);

}  // namespace cella::fs
