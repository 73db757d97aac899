// File-system facts and hints: statfs, fstatfs, ustat, fadvise64, readahead.
#include <asm-generic/errno.h>
#include <asm/unistd.h>
#include <linux/fcntl.h>

#include "libos/fs/file_ops.h"
#include "libos/fs/vfs.h"
#include "libos/mm/user_memory.h"
#include "libos/process/current.h"
#include "syscall.h"

namespace cella::syscall {
namespace {

using base::RefPtr;
using process::current_process;

constexpr std::uint32_t kModeTypeMask = 0170000, kModeFifo = 0010000, kModeSocket = 0140000,
                        kModeCharDevice = 0020000, kModeRegular = 0100000;

// Files that belong to no mounted file system answer as their Linux
// pseudo file system would.
Result<fs::FsStats> stats_of_file(fs::OpenFile& file) {
    if (fs::Inode* inode = file.inode()) return fs::vfs().file_system_of(*inode)->stats();
    fs::FsStats stats;
    std::uint32_t type = TRY(file.stat()).mode & kModeTypeMask;
    stats.type = type == kModeFifo ? fs::kPipefsMagic
                 : type == kModeSocket ? fs::kSockfsMagic
                 : type == kModeCharDevice ? fs::kDevptsMagic
                 : fs::kAnonInodeMagic;
    return stats;
}

Result<long> sys_statfs(SyscallArgs& a) {
    base::String path = TRY(mm::copy_string_from_user(a.address(0)));
    fs::ResolvedPath found = TRY(fs::lookup_at(current_process(), AT_FDCWD, path.view(), 0));
    fs::FsStats stats = fs::vfs().file_system_of(*found.inode)->stats();
    TRY(mm::write_user(a.address(1), fs::to_kernel_statfs(stats)));
    return 0;
}

Result<long> sys_fstatfs(SyscallArgs& a) {
    RefPtr<fs::OpenFile> file = TRY(current_process().fds().get(a.fd(0)));
    TRY(mm::write_user(a.address(1), fs::to_kernel_statfs(TRY(stats_of_file(*file)))));
    return 0;
}

// struct ustat: free blocks and inodes of the file system on a device
// (Linux still serves it; EINVAL for a device nothing is mounted from).
struct KernelUstat {
    std::int32_t f_tfree;
    std::uint64_t f_tinode;
    char f_fname[6];
    char f_fpack[6];
};

Result<long> sys_ustat(SyscallArgs& a) {
    // A 32-bit dev_t; its encoding is st_dev's for every device number cella gives.
    std::uint64_t dev = static_cast<std::uint32_t>(a.arg[0]);
    RefPtr<fs::FileSystem> found;
    fs::vfs().for_each_file_system([&](std::string_view, fs::Inode& root, fs::FileSystem& file_system) {
        if (!found && root.stat().dev == dev) found = &file_system;
    });
    if (!found) return Error::from_errno(EINVAL);
    fs::FsStats stats = found->stats();
    KernelUstat out{};
    out.f_tfree = static_cast<std::int32_t>(stats.blocks_free > 0x7fffffff ? 0x7fffffff : stats.blocks_free);
    out.f_tinode = stats.files_free;
    TRY(mm::write_user(a.address(1), out));
    return 0;
}

// Advice about future access changes nothing for files held in memory.
Result<long> sys_fadvise64(SyscallArgs& a) {
    RefPtr<fs::OpenFile> file = TRY(current_process().fds().get(a.fd(0)));
    if ((TRY(file->stat()).mode & kModeTypeMask) == kModeFifo) return Error::from_errno(ESPIPE);
    if (static_cast<std::int64_t>(a.arg[2]) < 0) return Error::from_errno(EINVAL);
    int advice = a.integer(3);
    if (advice < 0 || advice > 5) return Error::from_errno(EINVAL);  // POSIX_FADV_NORMAL .. NOREUSE
    return 0;
}

Result<long> sys_readahead(SyscallArgs& a) {
    RefPtr<fs::OpenFile> file = TRY(current_process().fds().get(a.fd(0)));
    if (!file->readable()) return Error::from_errno(EBADF);
    if (!file->inode() || (file->inode()->stat().mode & kModeTypeMask) != kModeRegular)
        return Error::from_errno(EINVAL);
    return 0;
}

constexpr SyscallSpec kSpecs[] = {
    {__NR_statfs, sys_statfs, "sp"},
    {__NR_fstatfs, sys_fstatfs, "dp"},
    {__NR_ustat, sys_ustat, "xp"},
    {__NR_fadvise64, sys_fadvise64, "dllx"},
    {__NR_readahead, sys_readahead, "dlu"},
};

}  // namespace

std::span<const SyscallSpec> fs_info_syscalls() { return kSpecs; }

}  // namespace cella::syscall
