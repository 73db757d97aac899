#pragma once
// The LibOS sometimes touches application pages the application itself
// may not (writing file data into a read-only mapping, reading a
// PROT_NONE page to write it back or move it). The host enforces the
// application's protection, so it is lifted around the access.
#include "address_space.h"
#include "lazy_fill.h"
#include "libos/host/host.h"

namespace cella::mm {

// Lock held. Runs use() with [start, end), part of `vma`, open at the
// host for `needed` (PROT_* bits), then puts vma.prot back (pages not yet
// read from their file go back to inaccessible; use() must leave them be).
template <typename F>
Result<void> with_host_access(const Vma& vma, std::uint64_t start, std::uint64_t end, int needed, F&& use) {
    bool lift = (vma.prot & needed) != needed || any_unfilled(vma, start, end);
    if (lift) TRY(host::protect(start, end - start, vma.prot | needed));
    use();
    // Failing to restore leaves the pages more open than asked, never less.
    if (lift) (void)protect_at_host(vma, start, end, vma.prot);
    return {};
}

}  // namespace cella::mm
