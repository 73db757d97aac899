#include "record_locks.h"

#include <asm-generic/errno.h>

namespace cella::fs::locks {
namespace {

using base::Error;

bool overlaps(const RecordLock& lock, std::uint64_t start, std::uint64_t end) {
    return lock.start <= end && start <= lock.end;
}

// Overlapping, or ending right where the other begins: same-type locks of
// one owner that touch become one.
bool touches(const RecordLock& lock, std::uint64_t start, std::uint64_t end) {
    if (overlaps(lock, start, end)) return true;
    return (lock.end != kToEnd && lock.end + 1 == start) || (end != kToEnd && end + 1 == lock.start);
}

}  // namespace

const RecordLock* RecordLockList::find_conflict(LockOwner owner, LockType type, std::uint64_t start,
                                                std::uint64_t end) const {
    for (const RecordLock& lock : locks_) {
        if (lock.owner == owner || !overlaps(lock, start, end)) continue;
        if (type == LockType::Write || lock.type == LockType::Write) return &lock;
    }
    return nullptr;
}

base::Result<void> RecordLockList::apply(LockOwner owner, int pid, std::optional<LockType> type, std::uint64_t start,
                                         std::uint64_t end) {
    // At most one lock of the owner is cut in two, and one is added.
    base::Vector<RecordLock> result;
    if (result.try_reserve(locks_.size() + 2).is_error()) return Error::from_errno(ENOLCK);
    std::uint64_t merged_start = start, merged_end = end;
    for (const RecordLock& lock : locks_) {
        if (!(lock.owner == owner)) {
            MUST(result.try_append(lock));
            continue;
        }
        if (type && lock.type == *type && touches(lock, start, end)) {
            if (lock.start < merged_start) merged_start = lock.start;
            if (lock.end > merged_end) merged_end = lock.end;
            continue;
        }
        if (!overlaps(lock, start, end)) {
            MUST(result.try_append(lock));
            continue;
        }
        // Another type (or an unlock) over part of this lock: what lies
        // outside the range stays.
        if (lock.start < start) {
            RecordLock left = lock;
            left.end = start - 1;
            MUST(result.try_append(left));
        }
        if (lock.end > end) {
            RecordLock right = lock;
            right.start = end + 1;
            MUST(result.try_append(right));
        }
    }
    if (type) MUST(result.try_append(RecordLock{owner, pid, *type, merged_start, merged_end}));
    // Pieces were appended where their originals were: nearly sorted.
    for (std::size_t i = 1; i < result.size(); ++i)
        for (std::size_t j = i; j > 0 && result[j].start < result[j - 1].start; --j) {
            RecordLock moved = result[j];
            result[j] = result[j - 1];
            result[j - 1] = moved;
        }
    locks_ = static_cast<base::Vector<RecordLock>&&>(result);
    return {};
}

bool RecordLockList::remove_owner(LockOwner owner) {
    std::size_t kept = 0;
    for (std::size_t i = 0; i < locks_.size(); ++i)
        if (!(locks_[i].owner == owner)) locks_[kept++] = locks_[i];
    bool removed = kept != locks_.size();
    MUST(locks_.try_resize(kept));
    return removed;
}

bool RecordLockList::holds_any(LockOwner owner) const {
    for (const RecordLock& lock : locks_)
        if (lock.owner == owner) return true;
    return false;
}

base::Result<LockRange> range_from_flock(int whence, std::int64_t start, std::int64_t length, std::int64_t position,
                                         std::int64_t size) {
    constexpr std::int64_t kMax = static_cast<std::int64_t>(kToEnd);
    std::int64_t base;
    switch (whence) {
    case 0: base = 0; break;         // SEEK_SET
    case 1: base = position; break;  // SEEK_CUR
    case 2: base = size; break;      // SEEK_END
    default: return Error::from_errno(EINVAL);
    }
    if (start > kMax - base) return Error::from_errno(EOVERFLOW);
    std::int64_t first = base + start;
    if (first < 0) return Error::from_errno(EINVAL);
    std::int64_t last;
    if (length > 0) {
        if (length - 1 > kMax - first) return Error::from_errno(EOVERFLOW);
        last = first + length - 1;
    } else if (length < 0) {
        // POSIX-2001: a negative length locks the bytes before l_start.
        if (first + length < 0) return Error::from_errno(EINVAL);
        last = first - 1;
        first += length;
    } else {
        last = kMax;
    }
    return LockRange{static_cast<std::uint64_t>(first), static_cast<std::uint64_t>(last)};
}

std::int64_t flock_length(const LockRange& range) {
    if (range.end == kToEnd) return 0;
    return static_cast<std::int64_t>(range.end - range.start + 1);
}

}  // namespace cella::fs::locks
