// Kernel features cella does not provide, answered as a Linux configured
// without them answers (each choice is listed in docs/ARCHITECTURE.md,
// "Syscalls served"), so that programs take the fallback they already have
// for such kernels; and the small ones it serves in full: sysfs, the LDT
// reads, the protection-key calls of a CPU without PKU, membarrier.
#include <asm-generic/errno.h>
#include <asm/unistd.h>
#include <linux/fcntl.h>

#include "libos/fs/file_ops.h"
#include "libos/fs/procfs/mounts.h"
#include "libos/host/host.h"
#include "libos/mm/memory_ops.h"
#include "libos/mm/user_memory.h"
#include "libos/process/current.h"
#include "syscall.h"

namespace cella::syscall {
namespace {

using process::current_process;

// perf_event_open: the attribute block is checked as Linux checks it,
// then no event exists (a kernel whose PMU offers none: ENOENT).
Result<long> sys_perf_event_open(SyscallArgs& a) {
    constexpr unsigned long kKnownFlags = 1 | 2 | 4 | 8;  // FD_NO_GROUP, FD_OUTPUT, PID_CGROUP, FD_CLOEXEC
    if (a.arg[4] & ~kKnownFlags) return Error::from_errno(EINVAL);
    std::uint32_t size = TRY(mm::read_user<std::uint32_t>(a.address(0) + 4));
    constexpr std::uint32_t kSizeVer0 = 64;
    if (size == 0) size = kSizeVer0;
    if (size < kSizeVer0 || size > 4096) return Error::from_errno(E2BIG);
    TRY(mm::user_readable(a.address(0), size));
    return Error::from_errno(ENOENT);
}

// The calls of features whose absence Linux reports as a refusal: bpf
// (kernel.unprivileged_bpf_disabled), userfaultfd
// (vm.unprivileged_userfaultfd = 0), fanotify_init, the key management
// calls (as the default container seccomp profile answers them).
Result<long> sys_refused(SyscallArgs&) { return Error::from_errno(EPERM); }

Result<long> sys_userfaultfd(SyscallArgs& a) {
    constexpr int kUserModeOnly = 1;
    if (a.integer(0) & ~(O_CLOEXEC | O_NONBLOCK | kUserModeOnly)) return Error::from_errno(EINVAL);
    return Error::from_errno(EPERM);
}

// fanotify_mark: no fanotify group can exist, so any fd given is not one.
Result<long> sys_fanotify_mark(SyscallArgs& a) {
    constexpr unsigned kAdd = 1, kRemove = 2, kFlush = 0x80;
    unsigned action = static_cast<unsigned>(a.arg[1]) & (kAdd | kRemove | kFlush);
    if (action != kAdd && action != kRemove && action != kFlush) return Error::from_errno(EINVAL);
    TRY(current_process().fds().get(a.fd(0)));
    return Error::from_errno(EINVAL);
}

// ptrace as under Yama's ptrace_scope 3: no process may trace another or
// ask to be traced; every other request names no tracee.
Result<long> sys_ptrace(SyscallArgs& a) {
    constexpr long kTraceMe = 0, kAttach = 16, kSeize = 0x4206;
    long request = static_cast<long>(a.arg[0]);
    if (request == kTraceMe || request == kAttach || request == kSeize) return Error::from_errno(EPERM);
    return Error::from_errno(ESRCH);
}

// File handles: no cella file system exports them (Linux answers so for a
// file system without export operations), so no handle can be valid.
Result<long> sys_name_to_handle_at(SyscallArgs& a) {
    constexpr int kSymlinkFollow = 0x400, kEmptyPath = 0x1000;
    if (a.integer(4) & ~(kSymlinkFollow | kEmptyPath)) return Error::from_errno(EINVAL);
    base::String path = TRY(mm::copy_string_from_user(a.address(1)));
    int at_flags = (a.integer(4) & kEmptyPath) | (a.integer(4) & kSymlinkFollow ? 0 : AT_SYMLINK_NOFOLLOW);
    TRY(fs::lookup_at(current_process(), a.fd(0), path.view(), at_flags));
    TRY(mm::read_user<std::uint32_t>(a.address(2)));
    return Error::from_errno(EOPNOTSUPP);
}

Result<long> sys_open_by_handle_at(SyscallArgs& a) {
    constexpr std::uint32_t kMaxHandleSize = 128;
    std::uint32_t bytes = TRY(mm::read_user<std::uint32_t>(a.address(1)));
    if (bytes == 0 || bytes > kMaxHandleSize) return Error::from_errno(EINVAL);
    TRY(current_process().fds().get(a.fd(0)));
    return Error::from_errno(ESTALE);
}

// seccomp: as a kernel without seccomp filters. No filter could be
// enforced on the LibOS's own host calls, so none is accepted; strict mode
// is refused rather than left unenforced.
Result<long> sys_seccomp(SyscallArgs&) { return Error::from_errno(EINVAL); }

// Landlock: built but not enabled at boot, which Linux reports as
// EOPNOTSUPP before looking at any argument.
Result<long> sys_landlock(SyscallArgs&) { return Error::from_errno(EOPNOTSUPP); }

// modify_ldt: cella processes have no LDT (the host process's one would be
// shared by every process), so reads see none and writes are refused.
// Linux returns the result as an unsigned int, error numbers included.
Result<long> sys_modify_ldt(SyscallArgs& a) {
    auto as_unsigned_int = [](long value) { return static_cast<long>(static_cast<unsigned>(value)); };
    switch (a.integer(0)) {
    case 0: return 0;  // read: no LDT
    case 2: {          // read the default LDT: zeros
        std::size_t size = a.size(2) < 128 ? a.size(2) : 128;
        auto out = mm::user_writable(a.address(1), size);
        if (out.is_error()) return as_unsigned_int(-EFAULT);
        for (std::uint8_t& byte : out.value()) byte = 0;
        return static_cast<long>(size);
    }
    case 1:
    case 0x11:
        if (a.size(2) != 16) return as_unsigned_int(-EINVAL);  // sizeof(struct user_desc)
        return as_unsigned_int(-EPERM);
    default: return as_unsigned_int(-ENOSYS);
    }
}

// Protection keys on a CPU without PKU (this machine's): no key can be
// allocated or named, so pkey_mprotect takes only -1 (plain mprotect).
constexpr int kPkeyAccessMask = 3;

Result<long> sys_pkey_alloc(SyscallArgs& a) {
    if (a.arg[0] != 0 || (a.arg[1] & ~static_cast<std::uint64_t>(kPkeyAccessMask))) return Error::from_errno(EINVAL);
    return Error::from_errno(EINVAL);
}

Result<long> sys_pkey_free(SyscallArgs&) { return Error::from_errno(EINVAL); }

Result<long> sys_pkey_mprotect(SyscallArgs& a) {
    if (a.integer(3) != -1) return Error::from_errno(EINVAL);
    TRY(mm::protect(current_process(), a.address(0), a.size(1), a.integer(2)));
    return 0;
}

// sysfs(2): the file system types of /proc/filesystems.
Result<long> sys_sysfs(SyscallArgs& a) {
    switch (a.integer(0)) {
    case 1: {
        base::String name = TRY(mm::copy_string_from_user(a.address(1)));
        for (std::size_t i = 0; !fs::procfs::filesystem_type_name(i).empty(); ++i)
            if (fs::procfs::filesystem_type_name(i) == name.view()) return static_cast<long>(i);
        return Error::from_errno(EINVAL);
    }
    case 2: {
        std::string_view name = fs::procfs::filesystem_type_name(static_cast<unsigned>(a.arg[1]));
        if (name.empty()) return Error::from_errno(EINVAL);
        char text[64] = {};
        if (name.size() >= sizeof text) return Error::from_errno(EINVAL);
        for (std::size_t i = 0; i < name.size(); ++i) text[i] = name[i];
        TRY(mm::copy_to_user(a.address(2), text, name.size() + 1));
        return 0;
    }
    case 3: {
        long count = 0;
        while (!fs::procfs::filesystem_type_name(static_cast<std::size_t>(count)).empty()) ++count;
        return count;
    }
    default: return Error::from_errno(EINVAL);
    }
}

// membarrier: the host's, since every application thread is a thread of
// the one host process. Registrations are the host process's, shared by
// every cella process.
Result<long> sys_membarrier(SyscallArgs& a) {
    return TRY(host::membarrier(a.integer(0), static_cast<unsigned>(a.arg[1]), a.integer(2)));
}

constexpr SyscallSpec kSpecs[] = {
    {__NR_perf_event_open, sys_perf_event_open, "pdddx"},
    {__NR_bpf, sys_refused, "dpu"},
    {__NR_userfaultfd, sys_userfaultfd, "x"},
    {__NR_fanotify_init, sys_refused, "xx"},
    {__NR_fanotify_mark, sys_fanotify_mark, "dxxDs"},
    {__NR_ptrace, sys_ptrace, "ddpp"},
    {__NR_keyctl, sys_refused, "dxxxx"},
    {__NR_add_key, sys_refused, "sspud"},
    {__NR_request_key, sys_refused, "sssd"},
    {__NR_name_to_handle_at, sys_name_to_handle_at, "Dsppx"},
    {__NR_open_by_handle_at, sys_open_by_handle_at, "dpx"},
    {__NR_seccomp, sys_seccomp, "dxp"},
    {__NR_landlock_create_ruleset, sys_landlock, "pux"},
    {__NR_landlock_add_rule, sys_landlock, "ddpx"},
    {__NR_landlock_restrict_self, sys_landlock, "dx"},
    {__NR_modify_ldt, sys_modify_ldt, "dpu"},
    {__NR_pkey_alloc, sys_pkey_alloc, "xx"},
    {__NR_pkey_free, sys_pkey_free, "d"},
    {__NR_pkey_mprotect, sys_pkey_mprotect, "puPd"},
    {__NR_sysfs, sys_sysfs, "dxx"},
    {__NR_membarrier, sys_membarrier, "dxd"},
};

}  // namespace

std::span<const SyscallSpec> kernel_feature_syscalls() { return kSpecs; }

}  // namespace cella::syscall
