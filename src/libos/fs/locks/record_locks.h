#pragma once
// Byte-range locks of one file, as fcntl keeps them: POSIX locks (owned by
// a process) and open-file-description locks (owned by one open file
// description) in one list, where a lock conflicts with an overlapping
// lock of another owner when either of the two is a write lock. An
// owner's own locks never conflict with each other: a new lock replaces
// what the owner held over its range, splitting and merging as Linux's
// posix_lock_inode does. Pure data: the waiting and the ownership rules
// are in file_locks.h.
#include <cstdint>
#include <optional>

#include "libos/base/result.h"
#include "libos/base/vector.h"

namespace cella::fs::locks {

// Linux's OFFSET_MAX: a lock that runs "to the end of the file" ends here.
inline constexpr std::uint64_t kToEnd = 0x7fffffffffffffffull;

enum class LockType : std::uint8_t { Read, Write };

struct LockOwner {
    std::uintptr_t id;  // the process's fd table (POSIX) or the open file description (OFD)
    bool ofd;
    bool operator==(const LockOwner&) const = default;
};

struct RecordLock {
    LockOwner owner;
    int pid;  // the process that took it, for F_GETLK's l_pid
    LockType type;
    std::uint64_t start;
    std::uint64_t end;  // inclusive; kToEnd for "to the end of the file"
};

class RecordLockList {
public:
    // The first lock of another owner that a lock of `type` over
    // [start, end] would conflict with, or nullptr.
    const RecordLock* find_conflict(LockOwner owner, LockType type, std::uint64_t start, std::uint64_t end) const;

    // Sets `owner`'s lock over [start, end] to `type`, or unlocks the range
    // (no type). Does not look at other owners: the caller has checked for
    // conflicts. Nothing changes on failure (ENOLCK when out of memory).
    base::Result<void> apply(LockOwner owner, int pid, std::optional<LockType> type, std::uint64_t start,
                             std::uint64_t end);

    // Drops every lock of `owner`; false if it held none.
    bool remove_owner(LockOwner owner);
    bool holds_any(LockOwner owner) const;

    bool is_empty() const { return locks_.is_empty(); }
    std::size_t size() const { return locks_.size(); }
    const RecordLock& operator[](std::size_t index) const { return locks_[index]; }

private:
    base::Vector<RecordLock> locks_;  // sorted by start
};

// struct flock's l_whence/l_start/l_len to a range, given the file's
// offset (SEEK_CUR) and size (SEEK_END), with Linux's errors: EINVAL for
// a bad whence or a range that starts before 0, EOVERFLOW for one that
// ends past OFFSET_MAX.
struct LockRange {
    std::uint64_t start;
    std::uint64_t end;
};
base::Result<LockRange> range_from_flock(int whence, std::int64_t start, std::int64_t length, std::int64_t position,
                                         std::int64_t size);
// The l_len F_GETLK reports for a range (0: to the end of the file).
std::int64_t flock_length(const LockRange& range);

}  // namespace cella::fs::locks
