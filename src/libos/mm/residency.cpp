// mincore(2): the host knows which pages it has backed, since it commits
// a page when it is first touched.
#include <asm-generic/errno.h>

#include "libos/host/host.h"
#include "libos/process/process.h"
#include "memory_ops.h"

namespace cella::mm {

using base::Error;

Result<void> residency(process::Process& process, std::uint64_t address, std::uint64_t length,
                       std::span<std::uint8_t> out) {
    if (address % kPageSize) return Error::from_errno(EINVAL);
    std::uint64_t end = page_round_up(address + length);
    if (end < address || (length && end == address)) return Error::from_errno(ENOMEM);
    if ((end - address) / kPageSize > out.size()) return Error::from_errno(EINVAL);
    if (length == 0) return {};
    AddressSpace& space = address_space();
    base::ScopedLock guard(space.lock());
    if (!space.covered(address, end, process.pid())) return Error::from_errno(ENOMEM);
    return host::residency(address, end - address, out);
}

}  // namespace cella::mm
