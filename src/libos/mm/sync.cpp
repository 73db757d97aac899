// msync(2). Shared file mappings are copies (file_backing.h), so both
// MS_ASYNC and MS_SYNC write the changed pages at once: a read() after
// either must see them. MS_INVALIDATE then brings the file's own changes
// into the pages the mapping left alone.
#include <asm-generic/errno.h>
#include <linux/mman.h>

#include "file_backing.h"
#include "libos/process/process.h"
#include "memory_ops.h"

namespace cella::mm {

using base::Error;

Result<void> sync(process::Process& process, std::uint64_t address, std::uint64_t length, int flags) {
    if (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) return Error::from_errno(EINVAL);
    if ((flags & MS_ASYNC) && (flags & MS_SYNC)) return Error::from_errno(EINVAL);
    if (address % kPageSize) return Error::from_errno(EINVAL);
    std::uint64_t end = page_round_up(address + length);
    if (end < address || (length && end == address)) return Error::from_errno(ENOMEM);
    if (length == 0) return {};

    base::Vector<PendingFill> refreshes;
    bool hole;
    Result<void> result;
    {
        AddressSpace& space = address_space();
        base::ScopedLock guard(space.lock());
        hole = !space.covered(address, end, process.memory_owner());
        space.for_each_in(address, end, [&](Vma& vma) {
            if (vma.owner != process.memory_owner() || !vma.is_mapped() || !vma.file || !vma.is_shared()) return;
            std::uint64_t from = vma.start > address ? vma.start : address;
            std::uint64_t to = vma.end < end ? vma.end : end;
            if (auto written = write_back(vma, from, to); written.is_error() && !result.is_error()) result = written;
            if ((flags & MS_INVALIDATE) && !result.is_error())
                result = refreshes.try_append(PendingFill{vma.file, vma.owner, from, to - from, vma.offset_of(from), true});
        });
    }
    TRY(result);
    for (const PendingFill& refresh : refreshes) TRY(fill_from_file(refresh));
    if (hole) return Error::from_errno(ENOMEM);
    return {};
}

}  // namespace cella::mm
