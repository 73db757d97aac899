#pragma once
// System V semaphore sets (Linux's ipc/sem.c): semget, semop/semtimedop
// with every operation of a call applied at once or not at all, SEM_UNDO
// adjustments applied when the process exits, and semctl.
//
// A semop that cannot proceed is queued on its set; whoever changes the
// set afterwards retries the queue in arrival order and completes the
// operations that now can (as Linux's update_queue does), so a waiter
// woken finds its operation already done, or its error.
#include <cstdint>
#include <span>

#include "ipc_ids.h"

namespace cella::ipc::sysv {

struct SemBuf {  // struct sembuf
    std::uint16_t num;
    std::int16_t op;
    std::int16_t flags;
};

Result<int> sem_get(int key, int nsems, int flags);
// timeout_ns < 0: no limit (semop).
Result<void> sem_op(int id, std::span<const SemBuf> ops, std::int64_t timeout_ns);
// `arg` is semctl's fourth argument: a value (SETVAL) or an application pointer.
Result<long> sem_ctl(int id, int num, int cmd, std::uint64_t arg);
// Applies and drops the SEM_UNDO adjustments of an exiting process.
void sem_exit(int pid);

// One line of /proc/sysvipc/sem.
struct SemRow {
    IpcPerm perm;
    std::uint64_t nsems;
    std::int64_t otime, ctime;
};
Result<base::Vector<SemRow>> sem_rows();

}  // namespace cella::ipc::sysv
