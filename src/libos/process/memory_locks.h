#pragma once
// mlock, munlock, mlockall, munlockall for one process: the ranges are
// recorded and counted against RLIMIT_MEMLOCK (unless the process holds
// CAP_IPC_LOCK), and /proc/PID/status shows them as VmLck. The host
// commits a page when first touched and the LibOS keeps no swap, so
// locking changes nothing about residency here.
#include <cstdint>

#include "libos/base/result.h"

namespace cella::process {

class Process;

base::Result<void> lock_range(Process& process, std::uint64_t address, std::uint64_t length);
base::Result<void> unlock_range(Process& process, std::uint64_t address, std::uint64_t length);
// flags: MCL_CURRENT, MCL_FUTURE, MCL_ONFAULT.
base::Result<void> lock_all(Process& process, int flags);
void unlock_all(Process& process);
// The bytes locked and still mapped (VmLck).
std::uint64_t locked_bytes(Process& process);
// execve: a new program starts with nothing locked.
void forget_locks(Process& process);

}  // namespace cella::process
