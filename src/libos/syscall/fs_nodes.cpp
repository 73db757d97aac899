// File syscalls that make or list names: mknod/mknodat and the legacy
// getdents. Decode, check, call fs/.
#include <asm-generic/errno.h>
#include <asm/unistd.h>
#include <linux/fcntl.h>

#include "libos/fs/dirent.h"
#include "libos/fs/file_ops.h"
#include "libos/mm/user_memory.h"
#include "libos/process/current.h"
#include "syscall.h"

namespace cella::syscall {
namespace {

using base::RefPtr;
using fs::OpenFile;
using process::current_process;

constexpr std::size_t kMaxIoCount = 0x7ffff000;  // Linux's MAX_RW_COUNT

// The records are listed as getdents64 lists them, then rewritten in place:
// a struct linux_dirent takes the same room as a linux_dirent64.
Result<long> sys_getdents(SyscallArgs& a) {
    RefPtr<OpenFile> file = TRY(current_process().fds().get(a.fd(0)));
    auto buffer = TRY(mm::user_writable(a.address(1), a.size(2) > kMaxIoCount ? kMaxIoCount : a.size(2)));
    std::size_t written = TRY(file->getdents64(buffer));
    fs::to_legacy_dirents(buffer.first(written));
    return static_cast<long>(written);
}

Result<long> sys_mknodat(SyscallArgs& a) {
    bool at = a.nr == __NR_mknodat;
    base::String path = TRY(mm::copy_string_from_user(a.address(at ? 1 : 0)));
    TRY(fs::make_node_at(current_process(), at ? a.fd(0) : AT_FDCWD, path.view(),
                         static_cast<std::uint32_t>(a.arg[at ? 2 : 1])));
    return 0;
}

constexpr SyscallSpec kSpecs[] = {
    {__NR_mknod, sys_mknodat, "sox"},
    {__NR_mknodat, sys_mknodat, "Dsox"},
    {__NR_getdents, sys_getdents, "dpu"},
};

}  // namespace

std::span<const SyscallSpec> fs_node_syscalls() { return kSpecs; }

}  // namespace cella::syscall
