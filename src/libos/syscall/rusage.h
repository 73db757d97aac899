#pragma once
// struct rusage as x86-64 Linux lays it out, shared by getrusage and the
// wait calls.
#include <cstdint>

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

// Children's usage: the LibOS knows their CPU time, not its user/system split.
inline Rusage rusage_of_cpu_ns(std::int64_t ns) {
    Rusage usage{};
    usage.user = rusage_time_of(ns);
    return usage;
}

}  // namespace cella::syscall
