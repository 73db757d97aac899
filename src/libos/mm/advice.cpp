// madvise(2). Most advice is about paging the host decides on, so it is
// accepted and changes nothing the application can observe. What can be
// observed is done: MADV_DONTNEED empties private pages (anonymous ones
// read zero afterwards, file ones the file again), MADV_FREE zeroes
// private anonymous pages, MADV_REMOVE punches a hole in shared pages.
#include <asm-generic/errno.h>
#include <linux/mman.h>

#include "file_backing.h"
#include "lazy_fill.h"
#include "libos/host/host.h"
#include "libos/process/process.h"
#include "memory_ops.h"

namespace cella::mm {
namespace {

using base::Error;

bool known_advice(int advice) {
    switch (advice) {
    case MADV_NORMAL:
    case MADV_RANDOM:
    case MADV_SEQUENTIAL:
    case MADV_WILLNEED:
    case MADV_DONTNEED:
    case MADV_FREE:
    case MADV_REMOVE:
    case MADV_DONTFORK:
    case MADV_DOFORK:
    case MADV_MERGEABLE:
    case MADV_UNMERGEABLE:
    case MADV_HUGEPAGE:
    case MADV_NOHUGEPAGE:
    case MADV_DONTDUMP:
    case MADV_DODUMP:
    case MADV_WIPEONFORK:
    case MADV_KEEPONFORK:
    case MADV_COLD:
    case MADV_PAGEOUT:
    case MADV_POPULATE_READ:
    case MADV_POPULATE_WRITE:
    case MADV_DONTNEED_LOCKED:
    case MADV_COLLAPSE: return true;
    // MADV_HWPOISON and MADV_SOFT_OFFLINE: as a kernel without memory-failure support.
    default: return false;
    }
}

bool is_private_anonymous(const Vma& vma) { return !vma.is_shared() && !vma.file; }

// Whether `advice` may be given for this mapping (Linux's errors).
Result<void> check_mapping(const Vma& vma, int advice) {
    switch (advice) {
    case MADV_FREE:
    case MADV_WIPEONFORK:
    case MADV_KEEPONFORK:
        if (!is_private_anonymous(vma)) return Error::from_errno(EINVAL);
        return {};
    case MADV_REMOVE:
        if (!vma.is_shared()) return Error::from_errno(EINVAL);
        if (!vma.may_write || !(vma.prot & PROT_WRITE)) return Error::from_errno(EACCES);
        // A copy of a file (procfs) has no page cache to punch.
        if (!vma.pages) return Error::from_errno(EOPNOTSUPP);
        return {};
    default: return {};
    }
}

// Lock held. Applies `advice` to [start, end) of `vma`; a private file
// mapping emptied by MADV_DONTNEED is refilled once the lock is dropped.
Result<void> apply(Vma& vma, std::uint64_t start, std::uint64_t end, int advice,
                   base::Vector<PendingFill>& refills) {
    switch (advice) {
    case MADV_DONTNEED:
    case MADV_DONTNEED_LOCKED:
        // Shared pages keep their contents on Linux (they live in the page cache).
        if (vma.is_shared()) return {};
        // A private file page is read from the file again when next touched.
        if (vma.fills_lazily()) return unfill(vma, start, end);
        TRY(host::discard(start, end - start));
        if (vma.file)
            TRY(refills.try_append(PendingFill{vma.file, vma.owner, start, end - start, vma.offset_of(start)}));
        return {};
    case MADV_FREE: return host::discard(start, end - start);
    // The pages go from the file (or shared memory) itself, for every
    // mapping of them, as Linux punches a hole in tmpfs.
    case MADV_REMOVE: return vma.pages->punch_hole(vma.offset_of(start), end - start);
    default: return {};
    }
}

}  // namespace

Result<void> advise(process::Process& process, std::uint64_t address, std::uint64_t length, int advice) {
    if (!known_advice(advice)) return Error::from_errno(EINVAL);
    if (address % kPageSize) return Error::from_errno(EINVAL);
    std::uint64_t end = page_round_up(address + length);
    if (length && end <= address) return Error::from_errno(EINVAL);
    if (length == 0) return {};

    base::Vector<PendingFill> refills;
    bool hole;
    {
        AddressSpace& space = address_space();
        base::ScopedLock guard(space.lock());
        hole = !space.covered(address, end, process.memory_owner());
        auto applies = [&](const Vma& vma) { return vma.owner == process.memory_owner() && vma.is_mapped(); };
        Result<void> result;
        space.for_each_in(address, end, [&](Vma& vma) {
            if (applies(vma) && !result.is_error()) result = check_mapping(vma, advice);
        });
        TRY(result);
        space.for_each_in(address, end, [&](Vma& vma) {
            if (!applies(vma) || result.is_error()) return;
            std::uint64_t from = vma.start > address ? vma.start : address;
            std::uint64_t to = vma.end < end ? vma.end : end;
            result = apply(vma, from, to, advice, refills);
        });
        TRY(result);
    }
    for (const PendingFill& refill : refills) TRY(fill_from_file(refill));
    // Linux advises what is mapped and then reports the holes.
    if (hole) return Error::from_errno(ENOMEM);
    return {};
}

}  // namespace cella::mm
