#pragma once
// Ending mappings: what munmap, a MAP_FIXED that replaces, mremap, brk and
// process exit share.
#include "address_space.h"

namespace cella::mm {

// Lock held. Inside the reserved range a released page goes back to
// reserved and uncommitted; outside it (fixed-address executables) it is
// unmapped.
void release_at_host(AddressSpace& space, std::uint64_t start, std::uint64_t end);

// Lock held. Ends `owner`'s mappings in [start, end): the memory goes
// back to the host, the records away. The brk reserve is kept unless `reserve_too`: for the
// application it is not mapped, so munmap leaves it alone.
Result<void> drop_range(AddressSpace& space, int owner, std::uint64_t start, std::uint64_t end,
                        bool reserve_too = false);

}  // namespace cella::mm
