#pragma once
// What every syscall handler sees, and how families of handlers are
// listed. A handler decodes and checks its arguments, calls the subsystem,
// and returns a value or an errno; the dispatcher turns that into what the
// application's rax receives.
#include <cstdint>
#include <span>

#include "libos/base/result.h"
#include "libos/entry/signal_types.h"

namespace cella::fs {
class OpenFile;
}

namespace cella::syscall {

using base::Error;
using base::Result;

struct SyscallArgs {
    long nr;
    std::uint64_t arg[6];
    entry::KernelUcontext* context;  // the trapped application state
    // Set by a handler that rewrote the whole application state (rt_sigreturn).
    bool context_replaced = false;

    int fd(int i) const { return static_cast<int>(arg[i]); }
    int integer(int i) const { return static_cast<int>(arg[i]); }
    std::uint64_t address(int i) const { return arg[i]; }
    std::uint64_t size(int i) const { return arg[i]; }
};

using Handler = Result<long> (*)(SyscallArgs& args);

// strace argument kinds, one character per argument:
//   d int  D dirfd  l long  u unsigned  x hex  p pointer  s string
//   b input buffer (length in the next argument)  B output buffer (length = result)
//   o octal mode  O open flags  P mmap prot  M mmap flags
struct SyscallSpec {
    long nr;
    Handler handler;
    const char* strace_args;
};

std::span<const SyscallSpec> fs_syscalls();
std::span<const SyscallSpec> fs_node_syscalls();
std::span<const SyscallSpec> fs_attr_syscalls();
std::span<const SyscallSpec> notify_syscalls();
std::span<const SyscallSpec> mm_syscalls();
std::span<const SyscallSpec> process_syscalls();
std::span<const SyscallSpec> misc_syscalls();
std::span<const SyscallSpec> thread_syscalls();
std::span<const SyscallSpec> signal_syscalls();
std::span<const SyscallSpec> time_syscalls();
std::span<const SyscallSpec> ipc_syscalls();
std::span<const SyscallSpec> exec_syscalls();
std::span<const SyscallSpec> sysv_ipc_syscalls();
std::span<const SyscallSpec> vectored_syscalls();
std::span<const SyscallSpec> transfer_syscalls();
std::span<const SyscallSpec> open_syscalls();
std::span<const SyscallSpec> file_space_syscalls();
std::span<const SyscallSpec> locks_syscalls();

// fcntl's record-lock commands (F_GETLK, F_SETLK(W), F_OFD_*), in locks.cpp.
Result<long> fcntl_record_lock(fs::OpenFile& file, int command, std::uint64_t address);
std::span<const SyscallSpec> aio_syscalls();
std::span<const SyscallSpec> kernel_feature_syscalls();
std::span<const SyscallSpec> numa_syscalls();
std::span<const SyscallSpec> process_access_syscalls();
std::span<const SyscallSpec> futex_waitv_syscalls();
std::span<const SyscallSpec> fs_info_syscalls();
std::span<const SyscallSpec> system_syscalls();
std::span<const SyscallSpec> sched_syscalls();
std::span<const SyscallSpec> capability_syscalls();
std::span<const SyscallSpec> memory_lock_syscalls();
std::span<const SyscallSpec> socket_syscalls();
std::span<const SyscallSpec> socket_message_syscalls();
std::span<const SyscallSpec> event_file_syscalls();
std::span<const SyscallSpec> mount_api_syscalls();

// A call cella refuses by design: `error`, with one debug line per syscall
// number (its name and `why`) the first time.
Result<long> refuse(long nr, int error, const char* why);
inline constexpr const char* kHostWide = "reaches beyond the enclave; EPERM, as for a process without the capability";

// prctl's capability options (PR_CAPBSET_*, PR_CAP_AMBIENT, PR_*_KEEPCAPS, PR_GET_SECUREBITS).
Result<long> capability_prctl(int option, std::uint64_t arg2, std::uint64_t arg3);

void init_dispatcher(bool strace);
// Serves one trapped syscall; the result is what the application's rax gets.
long dispatch(SyscallArgs& args);

}  // namespace cella::syscall
