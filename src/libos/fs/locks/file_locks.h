#pragma once
// Advisory file locks held across the processes of the enclave, as Linux
// keeps them (fs/locks.c):
//
//  - flock(): a shared or exclusive lock on the whole file, owned by an
//    open file description (so shared by dup'ed fds and by a child that
//    inherited the fd); converting drops the old lock first; released at
//    the last close of the description.
//  - fcntl POSIX record locks (F_SETLK, F_SETLKW, F_GETLK): byte ranges
//    owned by a process (its fd table), released when the process closes
//    any fd of the file, and at exit.
//  - fcntl open-file-description locks (F_OFD_*): byte ranges owned by an
//    open file description, in the same list as POSIX locks (the two
//    conflict), released at the last close of the description.
//
// Files are told apart by device and inode number, so two open() calls of
// one file meet here whatever their path. One lock guards every file's
// state: a deadlock check must see every owner's waits at once. Blocking
// requests wait on the file's Waitable, interruptibly: a signal ends the
// wait with ERESTARTSYS (restarted under SA_RESTART). A POSIX request that
// would wait on an owner that itself waits, directly or through others,
// on the requester fails with EDEADLK.
#include <cstdint>
#include <optional>

#include "libos/base/result.h"
#include "record_locks.h"

namespace cella::fs {
class FdTable;
class OpenFile;
}  // namespace cella::fs

namespace cella::fs::locks {

// The owner of POSIX locks is the process's fd table (Linux's files_struct);
// of OFD locks, the open file description.
LockOwner posix_owner(FdTable& table);
LockOwner ofd_owner(OpenFile& file);

// F_GETLK / F_OFD_GETLK: the first lock of another owner that a `type`
// lock over `range` would conflict with. l_pid is -1 for an OFD lock.
struct Conflict {
    LockType type;
    LockRange range;
    int pid;
};
base::Result<std::optional<Conflict>> test_record_lock(OpenFile& file, LockOwner owner, LockType type,
                                                       LockRange range);

// F_SETLK(W) / F_OFD_SETLK(W): locks (or, without a type, unlocks) `range`
// for `owner`. EAGAIN on a conflict without `wait`.
base::Result<void> set_record_lock(OpenFile& file, LockOwner owner, int pid, std::optional<LockType> type,
                                   LockRange range, bool wait);

// flock(): LOCK_SH, LOCK_EX or LOCK_UN, with LOCK_NB or not.
base::Result<void> flock(OpenFile& file, int operation);

// A process closed an fd of `file`: its POSIX locks on that file go.
void file_closed_by(FdTable& table, OpenFile& file);
// The process's fd table is going away (exit): every POSIX lock it holds goes.
void owner_gone(FdTable& table);
// The last reference to an open file description is gone: its flock and
// OFD locks go.
void open_file_gone(OpenFile& file);

}  // namespace cella::fs::locks
