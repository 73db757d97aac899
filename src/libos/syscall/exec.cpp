// execve and execveat: decode the arguments, call process/execve.
#include <asm-generic/errno.h>
#include <asm/unistd.h>
#include <linux/fcntl.h>

#include "libos/mm/user_memory.h"
#include "libos/process/current.h"
#include "libos/process/execve.h"
#include "syscall.h"

namespace cella::syscall {
namespace {

constexpr std::size_t kMaxArgumentBytes = 2 * 1024 * 1024;  // ARG_MAX as Linux reports it
constexpr std::size_t kMaxStrings = 1 << 16;

// A NULL-terminated array of string pointers (argv, envp); NULL itself is empty.
Result<base::Vector<base::String>> copy_string_array(std::uint64_t address, std::size_t& budget) {
    base::Vector<base::String> out;
    if (!address) return out;
    for (std::size_t i = 0;; ++i) {
        if (i == kMaxStrings) return Error::from_errno(E2BIG);
        std::uint64_t pointer = TRY(mm::read_user<std::uint64_t>(address + i * 8));
        if (!pointer) break;
        base::String text = TRY(mm::copy_string_from_user(pointer, 128 * 1024));
        if (text.size() + 1 > budget) return Error::from_errno(E2BIG);
        budget -= text.size() + 1;
        TRY(out.try_append(static_cast<base::String&&>(text)));
    }
    return out;
}

Result<long> execute_at(SyscallArgs& a, int dirfd, std::uint64_t path_address, std::uint64_t argv_address,
                        std::uint64_t envp_address, int flags) {
    if (flags & ~(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW)) return Error::from_errno(EINVAL);
    process::ExecRequest request;
    base::String path = TRY(mm::copy_string_from_user(path_address));
    if (path.is_empty()) {
        if (!(flags & AT_EMPTY_PATH)) return Error::from_errno(ENOENT);
        auto file = TRY(process::current_process().fds().get(dirfd));
        path = TRY(file->path().try_clone());
    } else if (path[0] != '/' && dirfd != AT_FDCWD) {
        auto directory = TRY(process::current_process().fds().get(dirfd));
        base::String joined = TRY(directory->path().try_clone());
        TRY(joined.try_append('/'));
        TRY(joined.try_append(path.view()));
        path = static_cast<base::String&&>(joined);
    }
    std::size_t budget = kMaxArgumentBytes;
    request.argv = TRY(copy_string_array(argv_address, budget));
    // Linux 5.18+: an empty argv becomes {""}, so that argv[1] is never
    // taken for the first environment string.
    if (request.argv.is_empty()) TRY(request.argv.try_append(base::String()));
    request.envp = TRY(copy_string_array(envp_address, budget));
    request.path = static_cast<base::String&&>(path);
    TRY(process::execute(process::current_thread(), *a.context, static_cast<process::ExecRequest&&>(request)));
    a.context_replaced = true;
    return 0;
}

Result<long> sys_execve(SyscallArgs& a) { return execute_at(a, AT_FDCWD, a.address(0), a.address(1), a.address(2), 0); }

Result<long> sys_execveat(SyscallArgs& a) {
    return execute_at(a, a.fd(0), a.address(1), a.address(2), a.address(3), a.integer(4));
}

constexpr SyscallSpec kSpecs[] = {
    {__NR_execve, sys_execve, "spp"},
    {__NR_execveat, sys_execveat, "Dsppx"},
};

}  // namespace

std::span<const SyscallSpec> exec_syscalls() { return kSpecs; }

}  // namespace cella::syscall
