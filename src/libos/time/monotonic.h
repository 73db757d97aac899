#pragma once
// CLOCK_MONOTONIC in nanoseconds, for the deadlines of blocking calls
// (0 if the host refuses the clock).
#include <cstdint>

#include "libos/host/host.h"

namespace cella::time {

inline std::int64_t monotonic_ns() {
    std::int64_t seconds = 0, nanoseconds = 0;
    (void)host::clock_gettime(1 /* CLOCK_MONOTONIC */, seconds, nanoseconds);
    return seconds * 1000000000 + nanoseconds;
}

}  // namespace cella::time
