// mlock, mlock2, munlock, mlockall, munlockall (process/memory_locks.h).
#include <asm-generic/errno.h>
#include <asm/unistd.h>

#include "libos/process/current.h"
#include "libos/process/memory_locks.h"
#include "syscall.h"

namespace cella::syscall {
namespace {

using process::current_process;

constexpr unsigned kMlockOnFault = 1;

Result<long> sys_mlock(SyscallArgs& a) {
    TRY(process::lock_range(current_process(), a.address(0), a.size(1)));
    return 0;
}

Result<long> sys_mlock2(SyscallArgs& a) {
    if (a.arg[2] & ~std::uint64_t{kMlockOnFault}) return Error::from_errno(EINVAL);
    TRY(process::lock_range(current_process(), a.address(0), a.size(1)));
    return 0;
}

Result<long> sys_munlock(SyscallArgs& a) {
    TRY(process::unlock_range(current_process(), a.address(0), a.size(1)));
    return 0;
}

Result<long> sys_mlockall(SyscallArgs& a) {
    TRY(process::lock_all(current_process(), a.integer(0)));
    return 0;
}

Result<long> sys_munlockall(SyscallArgs&) {
    process::unlock_all(current_process());
    return 0;
}

constexpr SyscallSpec kSpecs[] = {
    {__NR_mlock, sys_mlock, "pu"},
    {__NR_mlock2, sys_mlock2, "pux"},
    {__NR_munlock, sys_munlock, "pu"},
    {__NR_mlockall, sys_mlockall, "x"},
    {__NR_munlockall, sys_munlockall, ""},
};

}  // namespace

std::span<const SyscallSpec> memory_lock_syscalls() { return kSpecs; }

}  // namespace cella::syscall
