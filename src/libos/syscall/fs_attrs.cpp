// File metadata syscalls: modes, owners, times and extended attributes.
// Decode, check, call fs/.
#include <asm-generic/errno.h>
#include <asm/unistd.h>
#include <linux/fcntl.h>

#include "libos/fs/attributes.h"
#include "libos/fs/file_ops.h"
#include "libos/fs/notify/events.h"
#include "libos/fs/xattr.h"
#include "libos/host/host.h"
#include "libos/mm/user_memory.h"
#include "libos/process/current.h"
#include "syscall.h"

namespace cella::syscall {
namespace {

using base::RefPtr;
using fs::Caller;
using fs::Inode;
using fs::OpenFile;
using process::current_process;


Caller caller() { return Caller::of(current_process()); }

// The inode behind an fd for calls that change or read its metadata; an
// O_PATH fd is refused as Linux's fdget does.
Result<fs::ResolvedPath> inode_of_fd(int fd, int no_inode_error) {
    RefPtr<OpenFile> file = TRY(current_process().fds().get(fd));
    if (file->flags() & O_PATH) return Error::from_errno(EBADF);
    if (!file->inode()) return Error::from_errno(no_inode_error);
    return fs::ResolvedPath{RefPtr<Inode>(file->inode()), TRY(file->path().try_clone())};
}

Result<fs::ResolvedPath> inode_at(int dirfd, std::uint64_t path_address, int at_flags) {
    base::String path = TRY(mm::copy_string_from_user(path_address));
    return fs::lookup_at(current_process(), dirfd, path.view(), at_flags);
}

// A metadata change done: IN_ATTRIB for inotify.
long changed(const fs::ResolvedPath& target) {
    fs::notify::file_event(*target.inode, fs::notify::kAttrib, target.path.view());
    return 0;
}

// --- modes

Result<long> chmod_path(int dirfd, std::uint64_t path_address, std::uint32_t mode) {
    fs::ResolvedPath target = TRY(inode_at(dirfd, path_address, 0));
    TRY(fs::change_mode(*target.inode, mode, caller()));
    return changed(target);
}

Result<long> sys_chmod(SyscallArgs& a) { return chmod_path(AT_FDCWD, a.address(0), static_cast<std::uint32_t>(a.arg[1])); }
Result<long> sys_fchmodat(SyscallArgs& a) { return chmod_path(a.fd(0), a.address(1), static_cast<std::uint32_t>(a.arg[2])); }

Result<long> sys_fchmod(SyscallArgs& a) {
    fs::ResolvedPath target = TRY(inode_of_fd(a.fd(0), EPERM));
    TRY(fs::change_mode(*target.inode, static_cast<std::uint32_t>(a.arg[1]), caller()));
    return changed(target);
}

// --- owners

Result<long> sys_chown(SyscallArgs& a) {
    bool at = a.nr == __NR_fchownat;
    int flags = a.nr == __NR_lchown ? AT_SYMLINK_NOFOLLOW : at ? a.integer(4) : 0;
    if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return Error::from_errno(EINVAL);
    fs::ResolvedPath target = TRY(inode_at(at ? a.fd(0) : AT_FDCWD, a.address(at ? 1 : 0), flags));
    int first = at ? 2 : 1;
    TRY(fs::change_owner(*target.inode, static_cast<std::uint32_t>(a.arg[first]),
                         static_cast<std::uint32_t>(a.arg[first + 1]), caller()));
    return changed(target);
}

Result<long> sys_fchown(SyscallArgs& a) {
    fs::ResolvedPath target = TRY(inode_of_fd(a.fd(0), EPERM));
    TRY(fs::change_owner(*target.inode, static_cast<std::uint32_t>(a.arg[1]), static_cast<std::uint32_t>(a.arg[2]),
                         caller()));
    return changed(target);
}

// --- times

constexpr std::int64_t kUtimeNow = (1l << 30) - 1, kUtimeOmit = (1l << 30) - 2;
constexpr std::int64_t kNanosecondsPerSecond = 1000000000;

struct Timespec {
    std::int64_t seconds;
    std::int64_t nanoseconds;
};

Result<fs::Timestamp> now() {
    std::int64_t seconds = 0, nanoseconds = 0;
    TRY(host::clock_gettime(0 /* CLOCK_REALTIME */, seconds, nanoseconds));
    if (nanoseconds < 0 || nanoseconds >= kNanosecondsPerSecond) return Error::from_errno(EIO);
    return fs::Timestamp{seconds, static_cast<std::uint32_t>(nanoseconds)};
}

// Linux's do_utimes: times (UTIME_NOW/UTIME_OMIT allowed) or nullptr for
// "now"; a null path with a dirfd is futimens, which takes no flags.
Result<long> set_times(int dirfd, std::uint64_t path_address, const Timespec* times, int flags) {
    fs::TimesChange change;
    fs::Timestamp current = TRY(now());
    change.access = change.modify = current;
    if (times) {
        for (int i = 0; i < 2; ++i) {
            std::int64_t ns = times[i].nanoseconds;
            if (ns != kUtimeNow && ns != kUtimeOmit && (ns < 0 || ns >= kNanosecondsPerSecond))
                return Error::from_errno(EINVAL);
        }
        change.touch = times[0].nanoseconds == kUtimeNow && times[1].nanoseconds == kUtimeNow;
        change.set_access = times[0].nanoseconds != kUtimeOmit;
        change.set_modify = times[1].nanoseconds != kUtimeOmit;
        if (times[0].nanoseconds != kUtimeNow)
            change.access = {times[0].seconds, static_cast<std::uint32_t>(times[0].nanoseconds)};
        if (times[1].nanoseconds != kUtimeNow)
            change.modify = {times[1].seconds, static_cast<std::uint32_t>(times[1].nanoseconds)};
    }
    fs::ResolvedPath target;
    if (!path_address && dirfd != AT_FDCWD) {
        if (flags) return Error::from_errno(EINVAL);
        target = TRY(inode_of_fd(dirfd, EPERM));
    } else {
        if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return Error::from_errno(EINVAL);
        target = TRY(inode_at(dirfd, path_address, flags));
    }
    TRY(fs::change_times(*target.inode, change, caller()));
    return changed(target);
}

Result<long> sys_utimensat(SyscallArgs& a) {
    Timespec times[2];
    if (a.address(2)) {
        TRY(mm::copy_from_user(times, a.address(2), sizeof times));
        // Nothing to do: Linux does not even look the path up.
        if (times[0].nanoseconds == kUtimeOmit && times[1].nanoseconds == kUtimeOmit) return 0;
    }
    return set_times(a.fd(0), a.address(1), a.address(2) ? times : nullptr, a.integer(3));
}

// utimes and futimesat take struct timeval (microseconds).
Result<long> timeval_times(int dirfd, std::uint64_t path_address, std::uint64_t times_address) {
    if (!times_address) return set_times(dirfd, path_address, nullptr, 0);
    struct {
        std::int64_t seconds;
        std::int64_t microseconds;
    } values[2];
    TRY(mm::copy_from_user(values, times_address, sizeof values));
    Timespec times[2];
    for (int i = 0; i < 2; ++i) {
        if (values[i].microseconds < 0 || values[i].microseconds >= 1000000) return Error::from_errno(EINVAL);
        times[i] = {values[i].seconds, values[i].microseconds * 1000};
    }
    return set_times(dirfd, path_address, times, 0);
}

Result<long> sys_utimes(SyscallArgs& a) { return timeval_times(AT_FDCWD, a.address(0), a.address(1)); }
Result<long> sys_futimesat(SyscallArgs& a) { return timeval_times(a.fd(0), a.address(1), a.address(2)); }

// utime takes struct utimbuf (whole seconds).
Result<long> sys_utime(SyscallArgs& a) {
    if (!a.address(1)) return set_times(AT_FDCWD, a.address(0), nullptr, 0);
    std::int64_t values[2];
    TRY(mm::copy_from_user(values, a.address(1), sizeof values));
    Timespec times[2] = {{values[0], 0}, {values[1], 0}};
    return set_times(AT_FDCWD, a.address(0), times, 0);
}

// --- extended attributes

// The calls come in threes: by path, by path without following a last
// symlink (l*), by fd (f*).
Result<fs::ResolvedPath> xattr_target(SyscallArgs& a, long path_nr, long link_nr) {
    if (a.nr == path_nr) return inode_at(AT_FDCWD, a.address(0), 0);
    if (a.nr == link_nr) return inode_at(AT_FDCWD, a.address(0), AT_SYMLINK_NOFOLLOW);
    return inode_of_fd(a.fd(0), EOPNOTSUPP);
}

Result<base::String> xattr_name(std::uint64_t address) {
    auto name = mm::copy_string_from_user(address, fs::kXattrNameMax);
    if (name.is_error() && name.error().code() == ENAMETOOLONG) return Error::from_errno(ERANGE);
    return name;
}

Result<long> sys_setxattr(SyscallArgs& a) {
    int flags = a.integer(4);
    if (flags & ~(fs::kXattrCreate | fs::kXattrReplace)) return Error::from_errno(EINVAL);
    base::String name = TRY(xattr_name(a.address(1)));
    std::size_t size = a.size(3);
    if (size > fs::kXattrSizeMax) return Error::from_errno(E2BIG);
    base::Vector<std::uint8_t> value;
    TRY(value.try_resize(size));
    if (size) TRY(mm::copy_from_user(value.data(), a.address(2), size));
    fs::ResolvedPath target = TRY(xattr_target(a, __NR_setxattr, __NR_lsetxattr));
    TRY(fs::set_xattr(*target.inode, name.view(), value.span(), flags, caller()));
    return changed(target);
}

Result<long> sys_getxattr(SyscallArgs& a) {
    base::String name = TRY(xattr_name(a.address(1)));
    RefPtr<Inode> inode = TRY(xattr_target(a, __NR_getxattr, __NR_lgetxattr)).inode;
    std::size_t size = a.size(3) > fs::kXattrSizeMax ? fs::kXattrSizeMax : a.size(3);
    base::Vector<std::uint8_t> value;
    TRY(value.try_resize(size));
    std::size_t length = TRY(fs::get_xattr(*inode, name.view(), value.span(), caller()));
    if (size) TRY(mm::copy_to_user(a.address(2), value.data(), length));
    return static_cast<long>(length);
}

Result<long> sys_listxattr(SyscallArgs& a) {
    RefPtr<Inode> inode = TRY(xattr_target(a, __NR_listxattr, __NR_llistxattr)).inode;
    std::size_t size = a.size(2) > fs::kXattrListMax ? fs::kXattrListMax : a.size(2);
    base::Vector<char> names;
    TRY(names.try_resize(size));
    std::size_t length = TRY(fs::list_xattrs(*inode, names.span(), caller()));
    if (size) TRY(mm::copy_to_user(a.address(1), names.data(), length));
    return static_cast<long>(length);
}

Result<long> sys_removexattr(SyscallArgs& a) {
    base::String name = TRY(xattr_name(a.address(1)));
    fs::ResolvedPath target = TRY(xattr_target(a, __NR_removexattr, __NR_lremovexattr));
    TRY(fs::remove_xattr(*target.inode, name.view(), caller()));
    return changed(target);
}

constexpr SyscallSpec kSpecs[] = {
    {__NR_chmod, sys_chmod, "so"},
    {__NR_fchmod, sys_fchmod, "do"},
    {__NR_fchmodat, sys_fchmodat, "Dso"},
    {__NR_chown, sys_chown, "sdd"},
    {__NR_lchown, sys_chown, "sdd"},
    {__NR_fchownat, sys_chown, "Dsddx"},
    {__NR_fchown, sys_fchown, "ddd"},
    {__NR_utimensat, sys_utimensat, "Dspx"},
    {__NR_utimes, sys_utimes, "sp"},
    {__NR_futimesat, sys_futimesat, "Dsp"},
    {__NR_utime, sys_utime, "sp"},
    {__NR_setxattr, sys_setxattr, "sspux"},
    {__NR_lsetxattr, sys_setxattr, "sspux"},
    {__NR_fsetxattr, sys_setxattr, "dspux"},
    {__NR_getxattr, sys_getxattr, "sspu"},
    {__NR_lgetxattr, sys_getxattr, "sspu"},
    {__NR_fgetxattr, sys_getxattr, "dspu"},
    {__NR_listxattr, sys_listxattr, "spu"},
    {__NR_llistxattr, sys_listxattr, "spu"},
    {__NR_flistxattr, sys_listxattr, "dpu"},
    {__NR_removexattr, sys_removexattr, "ss"},
    {__NR_lremovexattr, sys_removexattr, "ss"},
    {__NR_fremovexattr, sys_removexattr, "ds"},
};

}  // namespace

std::span<const SyscallSpec> fs_attr_syscalls() { return kSpecs; }

}  // namespace cella::syscall
