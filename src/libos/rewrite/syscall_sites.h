#pragma once
// Rewriting syscall sites (issue: syscalls served without a signal). The
// first time a `syscall` instruction of a program's or library's code
// traps through Syscall User Dispatch, the site is proven rewritable
// (site_analysis.h), given a trampoline (trampolines.h), and its preceding
// instruction is replaced by a jump to that trampoline, which enters the
// LibOS directly (entry/fast_entry.S). Every site not rewritten keeps
// trapping: SUD stays the catch-all. Each file keeps a record of its
// rewritable sites, so another mapping of it (another process running the
// same library) has them all rewritten at its first trap.
#include <cstdint>

#include "libos/base/own_ptr.h"
#include "libos/fs/open_file.h"

namespace cella::rewrite {

struct Stats {
    std::uint64_t traps;      // syscalls that came through SUD
    std::uint64_t rewritten;  // sites rewritten
    std::uint64_t refused;    // sites found not rewritable
    std::uint64_t ahead;      // of the rewritten, those done before they trapped (from the file's record)
};

// From boot: rewriting is on unless cella.json or the environment said
// otherwise, and only if the host can patch code.
void init(bool enabled);
bool enabled();
// A syscall trapped at `site` (the address of its 2-byte instruction).
void on_trap(std::uint64_t site);
// A breakpoint (int3) trapped with rip = `rip`: if it is a site being
// rewritten, the address to resume at (the site's start); 0 otherwise.
std::uint64_t breakpoint_resume(std::uint64_t rip);
Stats stats();
// One debug line with the counts, at the enclave's end.
void log_stats();

}  // namespace cella::rewrite
