// inotify: decode, check, call fs/notify.
#include <asm-generic/errno.h>
#include <asm/unistd.h>
#include <linux/fcntl.h>

#include "libos/fs/file_ops.h"
#include "libos/fs/notify/inotify.h"
#include "libos/fs/permission.h"
#include "libos/mm/user_memory.h"
#include "libos/process/current.h"
#include "syscall.h"

namespace cella::syscall {
namespace {

using base::RefPtr;
using process::current_process;

Result<long> make_inotify(int flags) {
    if (flags & ~(O_NONBLOCK | O_CLOEXEC)) return Error::from_errno(EINVAL);
    auto file = TRY(base::make_ref<fs::notify::Inotify>(O_RDONLY | (flags & O_NONBLOCK)));
    if (fs::notify::instance_count() > fs::notify::kMaxUserInstances) return Error::from_errno(EMFILE);
    TRY(file->set_path("anon_inode:inotify"));
    return TRY(current_process().fds().install(RefPtr<fs::OpenFile>(file.get()), flags & O_CLOEXEC));
}

Result<long> sys_inotify_init(SyscallArgs&) { return make_inotify(0); }
Result<long> sys_inotify_init1(SyscallArgs& a) { return make_inotify(a.integer(0)); }

Result<fs::notify::Inotify*> inotify_of(const RefPtr<fs::OpenFile>& file) {
    if (file->kind() != fs::FileKind::Inotify) return Error::from_errno(EINVAL);
    return static_cast<fs::notify::Inotify*>(file.get());
}

Result<long> sys_inotify_add_watch(SyscallArgs& a) {
    using namespace fs::notify;
    RefPtr<fs::OpenFile> file = TRY(current_process().fds().get(a.fd(0)));
    Inotify* inotify = TRY(inotify_of(file));
    std::uint32_t mask = static_cast<std::uint32_t>(a.arg[2]);
    constexpr std::uint32_t kKnown = kAllEvents | kOnlyDir | kDontFollow | kExclUnlink | kMaskCreate | kMaskAdd |
                                     kOneShot;
    if (!(mask & kAllEvents) || (mask & ~kKnown)) return Error::from_errno(EINVAL);
    if ((mask & kMaskAdd) && (mask & kMaskCreate)) return Error::from_errno(EINVAL);
    base::String path = TRY(mm::copy_string_from_user(a.address(1)));
    process::Process& process = current_process();
    fs::ResolvedPath found =
        TRY(fs::lookup_at(process, AT_FDCWD, path.view(), (mask & kDontFollow) ? AT_SYMLINK_NOFOLLOW : 0));
    if ((mask & kOnlyDir) && !found.inode->is_directory()) return Error::from_errno(ENOTDIR);
    TRY(fs::check_permission(*found.inode, fs::kMayRead, fs::Caller::of(process)));
    return TRY(inotify->add_watch(found.inode, mask));
}

Result<long> sys_inotify_rm_watch(SyscallArgs& a) {
    RefPtr<fs::OpenFile> file = TRY(current_process().fds().get(a.fd(0)));
    fs::notify::Inotify* inotify = TRY(inotify_of(file));
    TRY(inotify->remove_watch(a.integer(1)));
    return 0;
}

constexpr SyscallSpec kSpecs[] = {
    {__NR_inotify_init, sys_inotify_init, ""},
    {__NR_inotify_init1, sys_inotify_init1, "x"},
    {__NR_inotify_add_watch, sys_inotify_add_watch, "dsx"},
    {__NR_inotify_rm_watch, sys_inotify_rm_watch, "dd"},
};

}  // namespace

std::span<const SyscallSpec> notify_syscalls() { return kSpecs; }

}  // namespace cella::syscall
