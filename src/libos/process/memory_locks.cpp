#include "memory_locks.h"

#include <asm-generic/errno.h>
#include <linux/mman.h>
#include <linux/resource.h>

#include "libos/mm/address_space.h"
#include "process.h"

namespace cella::process {
namespace {

using base::Error;
using Range = Process::LockedRange;

constexpr int kCapIpcLock = 14;

// The part of `ranges` (or, with `everything`, of every mapping) that
// `owner` has mapped. The address space lock is held.
std::uint64_t mapped_part(mm::AddressSpace& space, int owner, const base::Vector<Range>& ranges, bool everything) {
    std::uint64_t total = 0;
    if (everything) {
        space.for_each(owner, [&](const mm::Vma& vma) {
            if (vma.is_mapped()) total += vma.end - vma.start;
        });
        return total;
    }
    for (const Range& range : ranges)
        space.for_each_in(range.start, range.end, [&](const mm::Vma& vma) {
            if (vma.owner != owner || !vma.is_mapped()) return;
            std::uint64_t start = vma.start > range.start ? vma.start : range.start;
            std::uint64_t end = vma.end < range.end ? vma.end : range.end;
            total += end - start;
        });
    return total;
}

// Removes [start, end) from the sorted, disjoint list.
base::Result<void> cut(base::Vector<Range>& ranges, std::uint64_t start, std::uint64_t end) {
    base::Vector<Range> kept;
    for (const Range& range : ranges) {
        if (range.end <= start || range.start >= end) {
            TRY(kept.try_append(range));
            continue;
        }
        if (range.start < start) TRY(kept.try_append(Range{range.start, start}));
        if (range.end > end) TRY(kept.try_append(Range{end, range.end}));
    }
    ranges = static_cast<base::Vector<Range>&&>(kept);
    return {};
}

// Adds [start, end), merging with what it touches.
base::Result<void> join(base::Vector<Range>& ranges, std::uint64_t start, std::uint64_t end) {
    base::Vector<Range> joined;
    bool placed = false;
    for (const Range& range : ranges) {
        if (range.end < start) {
            TRY(joined.try_append(range));
        } else if (range.start > end) {
            if (!placed) TRY(joined.try_append(Range{start, end}));
            placed = true;
            TRY(joined.try_append(range));
        } else {
            start = range.start < start ? range.start : start;
            end = range.end > end ? range.end : end;
        }
    }
    if (!placed) TRY(joined.try_append(Range{start, end}));
    ranges = static_cast<base::Vector<Range>&&>(joined);
    return {};
}

base::Result<void> page_range(std::uint64_t address, std::uint64_t length, std::uint64_t& start, std::uint64_t& end) {
    start = mm::page_round_down(address);
    if (address + length < address || mm::page_round_up(address + length) < address) return Error::from_errno(EINVAL);
    end = mm::page_round_up(address + length);
    return {};
}

bool may_lock_unlimited(Process& process) {
    base::ScopedLock guard(process.credentials_lock());
    return process.credentials.has_capability(kCapIpcLock);
}

// Linux's can_do_mlock and the RLIMIT_MEMLOCK check of mlock/mlockall.
base::Result<void> check_limit(Process& process, std::uint64_t locked_after) {
    if (may_lock_unlimited(process)) return {};
    Rlimit limit = TRY(process.limits.get(RLIMIT_MEMLOCK));
    if (limit.current == 0) return Error::from_errno(EPERM);
    if (locked_after > limit.current) return Error::from_errno(ENOMEM);
    return {};
}

}  // namespace

base::Result<void> lock_range(Process& process, std::uint64_t address, std::uint64_t length) {
    std::uint64_t start, end;
    TRY(page_range(address, length, start, end));
    if (start == end) return {};
    mm::AddressSpace& space = mm::address_space();
    base::ScopedLock locks(process.locked_lock());
    base::ScopedLock guard(space.lock());
    int owner = process.memory_owner();
    if (!space.covered(start, end, owner)) return Error::from_errno(ENOMEM);
    base::Vector<Range> after;
    TRY(after.try_append(std::span<const Range>(process.locked_ranges.data(), process.locked_ranges.size())));
    TRY(join(after, start, end));
    TRY(check_limit(process, mapped_part(space, owner, after, process.lock_future)));
    process.locked_ranges = static_cast<base::Vector<Range>&&>(after);
    return {};
}

base::Result<void> unlock_range(Process& process, std::uint64_t address, std::uint64_t length) {
    std::uint64_t start, end;
    TRY(page_range(address, length, start, end));
    if (start == end) return {};
    mm::AddressSpace& space = mm::address_space();
    base::ScopedLock locks(process.locked_lock());
    {
        base::ScopedLock guard(space.lock());
        if (!space.covered(start, end, process.memory_owner())) return Error::from_errno(ENOMEM);
    }
    return cut(process.locked_ranges, start, end);
}

base::Result<void> lock_all(Process& process, int flags) {
    if (!flags || (flags & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) || flags == MCL_ONFAULT)
        return Error::from_errno(EINVAL);
    mm::AddressSpace& space = mm::address_space();
    base::ScopedLock locks(process.locked_lock());
    base::ScopedLock guard(space.lock());
    int owner = process.memory_owner();
    if (flags & MCL_CURRENT) {
        TRY(check_limit(process, mapped_part(space, owner, process.locked_ranges, true)));
        base::Vector<Range> all;
        Result<void> added;
        space.for_each(owner, [&](const mm::Vma& vma) {
            if (vma.is_mapped() && !added.is_error()) added = join(all, vma.start, vma.end);
        });
        TRY(added);
        process.locked_ranges = static_cast<base::Vector<Range>&&>(all);
    } else if (!may_lock_unlimited(process) && TRY(process.limits.get(RLIMIT_MEMLOCK)).current == 0) {
        return Error::from_errno(EPERM);
    }
    process.lock_future = flags & MCL_FUTURE;
    return {};
}

void unlock_all(Process& process) {
    base::ScopedLock locks(process.locked_lock());
    process.locked_ranges.clear();
    process.lock_future = false;
}

void forget_locks(Process& process) { unlock_all(process); }

std::uint64_t locked_bytes(Process& process) {
    mm::AddressSpace& space = mm::address_space();
    base::ScopedLock locks(process.locked_lock());
    base::ScopedLock guard(space.lock());
    return mapped_part(space, process.memory_owner(), process.locked_ranges, process.lock_future);
}

}  // namespace cella::process
