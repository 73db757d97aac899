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
    if (!space.covered(address, end, process.memory_owner())) return Error::from_errno(ENOMEM);
    return host::residency(address, end - address, out);
}

Result<std::uint64_t> resident_bytes_in(int owner, std::uint64_t start, std::uint64_t end) {
    // Pages asked about per host call: programs read their RSS often (redis
    // ten times a second), and a host call per MiB of mappings was ~90 per
    // read for a small program. 2 KiB of stack.
    constexpr std::uint64_t kBatch = 2048;
    std::uint8_t resident[kBatch];
    std::uint64_t total = 0;
    Result<void> result;
    AddressSpace& space = address_space();
    base::ScopedLock guard(space.lock());
    space.for_each(owner, [&](const Vma& vma) {
        std::uint64_t first = vma.start > start ? vma.start : start;
        std::uint64_t last = vma.end < end ? vma.end : end;
        for (std::uint64_t at = first; vma.is_mapped() && at < last && !result.is_error();) {
            std::uint64_t pages = (last - at) / kPageSize < kBatch ? (last - at) / kPageSize : kBatch;
            result = host::residency(at, pages * kPageSize, {resident, pages});
            for (std::uint64_t i = 0; i < pages && !result.is_error(); ++i) total += (resident[i] & 1) * kPageSize;
            at += pages * kPageSize;
        }
    });
    TRY(result);
    return total;
}

Result<std::uint64_t> resident_bytes(int owner) { return resident_bytes_in(owner, 0, ~std::uint64_t{0}); }

}  // namespace cella::mm
