// Ways to open a file beyond open/openat: openat2 with struct open_how and
// RESOLVE_* flags, and memfd_create.
#include <asm-generic/errno.h>
#include <asm/unistd.h>
#include <linux/fcntl.h>

#include "fs_args.h"
#include "libos/fs/file_ops.h"
#include "libos/fs/memfd.h"
#include "libos/mm/user_memory.h"
#include "syscall.h"

namespace cella::syscall {
namespace {

using base::RefPtr;
using fs::OpenFile;

struct OpenHow {
    std::uint64_t flags;
    std::uint64_t mode;
    std::uint64_t resolve;
};

constexpr std::uint64_t kValidOpenFlags = O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND | O_NONBLOCK |
                                          O_DSYNC | FASYNC | O_DIRECT | O_LARGEFILE | O_DIRECTORY | O_NOFOLLOW |
                                          O_NOATIME | O_CLOEXEC | __O_SYNC | O_PATH | __O_TMPFILE;
constexpr std::uint64_t kPathOnlyFlags = O_DIRECTORY | O_NOFOLLOW | O_PATH | O_CLOEXEC;
constexpr std::uint64_t kKnownResolve = fs::kResolveNoXdev | fs::kResolveNoMagicLinks | fs::kResolveNoSymlinks |
                                        fs::kResolveBeneath | fs::kResolveInRoot | fs::kResolveCached;
constexpr std::size_t kPageSize = 4096;

// An extensible struct from the application, as Linux's copy_struct_from_user
// takes it: smaller than the first version is EINVAL, a larger one must
// hold zeros past what we know (E2BIG otherwise), and at most a page.
Result<OpenHow> fetch_open_how(std::uint64_t address, std::size_t size) {
    if (size < sizeof(OpenHow)) return Error::from_errno(EINVAL);
    if (size > kPageSize) return Error::from_errno(E2BIG);
    OpenHow how = TRY(mm::read_user<OpenHow>(address));
    std::uint8_t rest[256];
    for (std::size_t at = sizeof(OpenHow); at < size;) {
        std::size_t n = size - at < sizeof rest ? size - at : sizeof rest;
        TRY(mm::copy_from_user(rest, address + at, n));
        for (std::size_t i = 0; i < n; ++i)
            if (rest[i]) return Error::from_errno(E2BIG);
        at += n;
    }
    return how;
}

// openat2(dirfd, path, how*, size): unlike openat, unknown flags and
// stray mode bits are errors.
Result<long> sys_openat2(SyscallArgs& a) {
    OpenHow how = TRY(fetch_open_how(a.address(2), a.size(3)));
    if (how.flags & ~kValidOpenFlags) return Error::from_errno(EINVAL);
    bool creates = how.flags & (O_CREAT | __O_TMPFILE);
    if (creates ? (how.mode & ~std::uint64_t{07777}) : how.mode) return Error::from_errno(EINVAL);
    if ((how.flags & O_PATH) && (how.flags & ~kPathOnlyFlags)) return Error::from_errno(EINVAL);
    if ((how.flags & __O_TMPFILE) &&
        ((how.flags & (O_TMPFILE | O_CREAT)) != O_TMPFILE || (how.flags & O_ACCMODE) == O_RDONLY))
        return Error::from_errno(EINVAL);
    if (how.resolve & ~kKnownResolve) return Error::from_errno(EINVAL);
    if ((how.resolve & fs::kResolveBeneath) && (how.resolve & fs::kResolveInRoot)) return Error::from_errno(EINVAL);
    // Every name here is in memory, so a cached lookup always succeeds;
    // what would change the file system cannot be done "from the cache".
    if ((how.resolve & fs::kResolveCached) && (how.flags & (O_CREAT | O_TRUNC | __O_TMPFILE)))
        return Error::from_errno(EAGAIN);
    base::String path = TRY(mm::copy_string_from_user(a.address(1)));
    return TRY(fs::open_at(process::current_process(), a.fd(0), path.view(), static_cast<int>(how.flags),
                           static_cast<std::uint32_t>(how.mode), static_cast<unsigned>(how.resolve)));
}

// memfd_create(name, flags)
Result<long> sys_memfd_create(SyscallArgs& a) {
    constexpr unsigned kAllFlags =
        fs::kMfdCloexec | fs::kMfdAllowSealing | fs::kMfdHugetlb | fs::kMfdNoexecSeal | fs::kMfdExec;
    constexpr unsigned kHugePageSizes = 0x3fu << 26;  // MFD_HUGE_MASK << MFD_HUGE_SHIFT
    auto flags = static_cast<unsigned>(a.arg[1]);
    unsigned allowed = (flags & fs::kMfdHugetlb) ? kAllFlags | kHugePageSizes : kAllFlags;
    if (a.arg[1] & ~std::uint64_t{allowed}) return Error::from_errno(EINVAL);
    if ((flags & fs::kMfdExec) && (flags & fs::kMfdNoexecSeal)) return Error::from_errno(EINVAL);
    auto name = mm::copy_string_from_user(a.address(0), fs::kMaxMemfdName);
    if (name.is_error()) return Error::from_errno(name.error().code() == ENAMETOOLONG ? EINVAL : name.error().code());
    RefPtr<OpenFile> file = TRY(fs::create_memfd(name.value().view(), flags));
    return TRY(process::current_process().fds().install(file, flags & fs::kMfdCloexec));
}

Result<long> sys_memfd_secret(SyscallArgs& a) {
    if (a.arg[0] & ~std::uint64_t{O_CLOEXEC}) return Error::from_errno(EINVAL);
    RefPtr<OpenFile> file = TRY(fs::create_secret_memory());
    return TRY(process::current_process().fds().install(file, a.arg[0] & O_CLOEXEC));
}

constexpr SyscallSpec kSpecs[] = {
    {__NR_openat2, sys_openat2, "Dspu"},
    {__NR_memfd_secret, sys_memfd_secret, "x"},
    {__NR_memfd_create, sys_memfd_create, "sx"},
};

}  // namespace

std::span<const SyscallSpec> open_syscalls() { return kSpecs; }

}  // namespace cella::syscall
