#include "clocks.h"

#include <asm-generic/errno.h>
#include <linux/time.h>

#include "libos/host/host.h"
#include "libos/process/exec.h"

namespace cella::fs::procfs {
namespace {

Result<std::uint64_t> host_clock_ns(int clock) {
    std::int64_t seconds = 0, nanoseconds = 0;
    TRY(host::clock_gettime(clock, seconds, nanoseconds));
    if (seconds < 0) return base::Error::from_errno(EIO);
    return static_cast<std::uint64_t>(seconds) * 1000000000 + static_cast<std::uint64_t>(nanoseconds);
}

}  // namespace

Result<Clocks> read_clocks() {
    Clocks clocks;
    clocks.uptime_ns = TRY(host_clock_ns(CLOCK_BOOTTIME));
    clocks.realtime_ns = TRY(host_clock_ns(CLOCK_REALTIME));
    clocks.enclave_cpu_ns = TRY(host_clock_ns(CLOCK_PROCESS_CPUTIME_ID));
    return clocks;
}

std::uint64_t clock_ticks_per_second() {
    std::uint64_t ticks = process::machine_info().clock_ticks;
    // Dividing a second by it must be exact and nonzero.
    return ticks == 0 || ticks > 1000000000 ? 100 : ticks;
}

}  // namespace cella::fs::procfs
