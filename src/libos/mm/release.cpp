#include "release.h"

#include "libos/host/host.h"

namespace cella::mm {

void release_at_host(AddressSpace& space, std::uint64_t start, std::uint64_t end) {
    if (space.in_user_range(start, end))
        (void)host::decommit(start, end - start);
    else
        (void)host::unmap(start, end - start);
}

Result<void> drop_range(AddressSpace& space, int owner, std::uint64_t start, std::uint64_t end, bool reserve_too) {
    TRY(space.isolate(start, end));
    auto ends = [&](const Vma& vma) { return vma.owner == owner && (reserve_too || vma.is_mapped()); };
    space.for_each_in(start, end, [&](Vma& vma) {
        if (ends(vma)) release_at_host(space, vma.start, vma.end);
    });
    space.remove_if(start, end, ends);
    // Other owners' mappings split by isolate() join up again.
    space.merge_around(start, end);
    return {};
}

}  // namespace cella::mm
