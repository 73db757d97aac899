#pragma once
// struct rusage as x86-64 Linux lays it out, shared by getrusage and the
// wait calls.
#include <cstdint>

#include "libos/time/cpu_clocks.h"

namespace cella::syscall {

struct RusageTimeval {
    std::int64_t seconds;
    std::int64_t microseconds;
};

struct Rusage {
    RusageTimeval user;
    RusageTimeval system;
    std::int64_t rest[14];
};

inline RusageTimeval rusage_time_of(std::int64_t ns) { return {ns / 1000000000, (ns % 1000000000) / 1000}; }

// Children's usage: their user and system time, the rest 0.
inline Rusage rusage_of(const time::CpuTimes& used) {
    Rusage usage{};
    usage.user = rusage_time_of(used.user_ns);
    usage.system = rusage_time_of(used.system_ns);
    return usage;
}

}  // namespace cella::syscall
