#pragma once
// System-wide figures that sysinfo(2), /proc/meminfo and /proc/loadavg
// share, so that the three agree: memory (the user range is the enclave's
// RAM), the number of threads, and the load averages.
#include <cstdint>

#include "libos/base/result.h"

namespace cella::process {

struct MemoryUsage {
    std::uint64_t total = 0;  // resource_limits.user_space_size
    std::uint64_t used = 0;   // mapped by some process (brk reserves not counted)
    std::uint64_t free() const { return used < total ? total - used : 0; }
};
MemoryUsage memory_usage();

// Threads alive in the enclave (sysinfo's procs, /proc/loadavg's total).
std::uint64_t thread_total();

// Linux's 1, 5 and 15 minute load averages in fixed point (1 << 16 is a
// load of 1). The LibOS keeps no run queue; the load it folds in every
// 5 seconds, as Linux does, is how many CPUs the enclave's threads kept
// busy over that time (its CPU time over wall time).
struct LoadAverages {
    std::uint64_t load[3];
};
base::Result<LoadAverages> load_averages();
inline constexpr unsigned kLoadShift = 16;  // SI_LOAD_SHIFT

}  // namespace cella::process
