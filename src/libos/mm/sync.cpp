// msync(2). A shared mapping maps the one copy of its pages that read(),
// write() and every other mapping use (shared_pages.h), and the file
// systems inside the enclave keep their files in memory, so there is
// nothing to write back or to invalidate: what is left is Linux's checks.
#include <asm-generic/errno.h>
#include <linux/mman.h>

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
    AddressSpace& space = address_space();
    base::ScopedLock guard(space.lock());
    if (!space.covered(address, end, process.memory_owner())) return Error::from_errno(ENOMEM);
    return {};
}

}  // namespace cella::mm
