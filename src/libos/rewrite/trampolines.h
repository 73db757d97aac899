#pragma once
// Executable slots for syscall-site trampolines, each within a rel32 jump
// of the site that uses it. Chunks come from the LibOS heap (reachable
// from the whole default layout: libos.so, its heap and the user range
// lie within 2 GiB) or, for fixed-address programs far from the enclave,
// from the host near the program. They are read-only and executable;
// the LibOS fills them with host::write_code, like the sites themselves.
#include <cstdint>

#include "libos/base/result.h"

namespace cella::rewrite {

// A slot of kTrampolineSize bytes reachable from `site_jump` (the address
// of the 5-byte jump that will lead to it). Caller holds the rewrite lock.
base::Result<std::uint64_t> allocate_trampoline(std::uint64_t site_jump);

}  // namespace cella::rewrite
