#pragma once
// Time as /proc reports it. "Boot" is the host's: /proc/uptime and the
// btime of /proc/stat agree with what clock_gettime(CLOCK_BOOTTIME) gives
// the application; processes are reported as started when the enclave
// started, since the LibOS does not record each process's start.
#include <cstdint>

#include "libos/base/result.h"

namespace cella::fs::procfs {

using base::Result;

// Called once when procfs is mounted, at boot.
void record_enclave_start();

struct Clocks {
    std::uint64_t uptime_ns;         // host CLOCK_BOOTTIME
    std::uint64_t realtime_ns;       // CLOCK_REALTIME
    std::uint64_t enclave_cpu_ns;    // CPU time of every enclave thread
    std::uint64_t enclave_start_ns;  // CLOCK_BOOTTIME at record_enclave_start()
};
Result<Clocks> read_clocks();

// Linux's USER_HZ, the unit of times in /proc/PID/stat and /proc/stat.
std::uint64_t clock_ticks_per_second();
inline std::uint64_t to_ticks(std::uint64_t ns) { return ns / (1000000000 / clock_ticks_per_second()); }

}  // namespace cella::fs::procfs
