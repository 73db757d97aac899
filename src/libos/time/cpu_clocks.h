#pragma once
// CPU time of enclave threads and processes. Every application thread is
// a host thread, so its CPU time is the host's for that thread; a
// process's is the sum over its live threads plus what its ended threads
// used.
#include <cstdint>

#include "libos/base/result.h"
#include "libos/process/process.h"

namespace cella::time {

base::Result<std::int64_t> thread_cpu_ns(process::Thread& thread);
std::int64_t process_cpu_ns(process::Process& process);

// CPU time split into user and system time, as /proc/PID/stat shows it:
// the precise total (thread_cpu_ns) divided in the proportion of the
// host's tick-sampled user and system times, as Linux's cputime_adjust.
struct CpuTimes {
    std::int64_t user_ns = 0;
    std::int64_t system_ns = 0;
    std::int64_t total() const { return user_ns + system_ns; }
};
base::Result<CpuTimes> thread_cpu_times(process::Thread& thread);
// Live threads plus ended ones (Process::ended_threads_*).
CpuTimes process_cpu_times(process::Process& process);

// Linux's clock ids for CPU clocks of other threads and processes:
// (~id << 3) | type, bit 2 set for a thread.
struct CpuClock {
    bool per_thread;
    int id;  // 0 = the caller
};
bool decode_cpu_clock(int clock, CpuClock& out);

// Nanoseconds as clock ticks (USER_HZ, 100 on x86-64 Linux), as times()
// and SIGCHLD's si_utime count them.
constexpr std::int64_t clock_ticks_of(std::int64_t ns) { return ns / 10000000; }

// clock_gettime/clock_getres for any clock id an application may pass.
base::Result<std::int64_t> clock_now_ns(int clock);

}  // namespace cella::time
