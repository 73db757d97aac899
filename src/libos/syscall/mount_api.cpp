// The new mount API (open_tree, move_mount, fsopen, fsconfig, fsmount,
// fspick, mount_setattr) and quotactl_fd. Mounting reaches beyond the
// enclave and is refused as mount(2) is (EPERM, as for a process without
// CAP_SYS_ADMIN), after the checks Linux makes first; open_tree without
// OPEN_TREE_CLONE needs no privilege and opens an O_PATH file.
#include <asm-generic/errno.h>
#include <asm/unistd.h>
#include <linux/fcntl.h>

#include "fs_args.h"
#include "libos/fs/file_ops.h"
#include "libos/mm/user_memory.h"
#include "libos/process/current.h"
#include "syscall.h"

namespace cella::syscall {
namespace {

using process::current_process;

constexpr unsigned kOpenTreeClone = 1;
constexpr unsigned kAtNoAutomount = 0x800, kAtRecursive = 0x8000;
constexpr std::uint64_t kMountAttrSizeVer0 = 32;
constexpr const char* kMounting = "mounting is refused inside the enclave; EPERM, as for a process without "
                                  "CAP_SYS_ADMIN";

Result<long> sys_open_tree(SyscallArgs& a) {
    auto flags = static_cast<unsigned>(a.arg[2]);
    if (flags & ~(kOpenTreeClone | O_CLOEXEC | AT_EMPTY_PATH | kAtNoAutomount | kAtRecursive | AT_SYMLINK_NOFOLLOW))
        return Error::from_errno(EINVAL);
    if ((flags & (kAtRecursive | kOpenTreeClone)) == kAtRecursive) return Error::from_errno(EINVAL);
    if (flags & kOpenTreeClone) return refuse(a.nr, EPERM, kMounting);
    base::String path = TRY(mm::copy_string_from_user(a.address(1)));
    int open_flags = O_PATH | (flags & O_CLOEXEC) | ((flags & AT_SYMLINK_NOFOLLOW) ? O_NOFOLLOW : 0);
    process::Process& process = current_process();
    if (path.view().empty() && (flags & AT_EMPTY_PATH)) {
        // The dirfd's own file, opened anew.
        fs::ResolvedPath found = TRY(fs::lookup_at(process, a.fd(0), "", AT_EMPTY_PATH));
        base::RefPtr<fs::OpenFile> file = TRY(found.inode->open(O_PATH));
        if (file->path().is_empty()) TRY(file->set_path(found.path.view()));
        return TRY(process.fds().install(file, flags & O_CLOEXEC));
    }
    return TRY(fs::open_at(process, a.fd(0), path.view(), open_flags, 0));
}

Result<long> sys_fsconfig(SyscallArgs& a) {
    // No file descriptor can be a file-system context here.
    base::RefPtr<fs::OpenFile> file = TRY(current_process().fds().get(a.fd(0)));
    return Error::from_errno(file->path_only() ? EBADF : EINVAL);
}

Result<long> sys_mount_setattr(SyscallArgs& a) {
    auto flags = static_cast<unsigned>(a.arg[2]);
    if (flags & ~(AT_EMPTY_PATH | kAtRecursive | AT_SYMLINK_NOFOLLOW | kAtNoAutomount)) return Error::from_errno(EINVAL);
    if (a.size(4) > 4096) return Error::from_errno(E2BIG);
    if (a.size(4) < kMountAttrSizeVer0) return Error::from_errno(EINVAL);
    return refuse(a.nr, EPERM, kMounting);
}

Result<long> sys_quotactl_fd(SyscallArgs& a) {
    TRY(current_process().fds().get(a.fd(0)));
    return refuse(a.nr, EPERM, kHostWide);
}

Result<long> sys_mounting(SyscallArgs& a) { return refuse(a.nr, EPERM, kMounting); }

constexpr SyscallSpec kSpecs[] = {
    {__NR_open_tree, sys_open_tree, "Dsx"},
    {__NR_move_mount, sys_mounting, "DsDsx"},
    {__NR_fsopen, sys_mounting, "sx"},
    {__NR_fsconfig, sys_fsconfig, "dusp"},
    {__NR_fsmount, sys_mounting, "dxx"},
    {__NR_fspick, sys_mounting, "Dsx"},
    {__NR_mount_setattr, sys_mount_setattr, "Dsxpu"},
    {__NR_quotactl_fd, sys_quotactl_fd, "duup"},
};

}  // namespace

std::span<const SyscallSpec> mount_api_syscalls() { return kSpecs; }

}  // namespace cella::syscall
