#pragma once
// Time as /proc reports it. "Boot" is the host's: /proc/uptime and the
// btime of /proc/stat agree with what clock_gettime(CLOCK_BOOTTIME) gives
// the application; a process's and a thread's start times are the
// CLOCK_BOOTTIME their objects were made at (Process::start_ns).
#include <cstdint>

#include "libos/base/result.h"

namespace cella::fs::procfs {

using base::Result;

struct Clocks {
    std::uint64_t uptime_ns;         // host CLOCK_BOOTTIME
    std::uint64_t realtime_ns;       // CLOCK_REALTIME
    std::uint64_t enclave_cpu_ns;    // CPU time of every enclave thread
};
Result<Clocks> read_clocks();

// Linux's USER_HZ, the unit of times in /proc/PID/stat and /proc/stat.
std::uint64_t clock_ticks_per_second();
inline std::uint64_t to_ticks(std::uint64_t ns) { return ns / (1000000000 / clock_ticks_per_second()); }

}  // namespace cella::fs::procfs
