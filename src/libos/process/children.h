#pragma once
// Parents and children: zombies, orphans going to pid 1, the signal a
// parent gets when a child exits, stops or continues, and wait().
#include <cstdint>

#include "libos/base/result.h"
#include "libos/time/cpu_clocks.h"
#include "process.h"

namespace cella::process {

// Linux's wait options.
inline constexpr int kWaitNoHang = 1, kWaitStopped = 2, kWaitExited = 4, kWaitContinued = 8;
inline constexpr int kWaitNoWait = 0x01000000, kWaitNoThread = 0x20000000, kWaitAll = 0x40000000,
                     kWaitClone = static_cast<int>(0x80000000u);

// `child` (already in the process table) becomes a child of `parent`.
base::Result<void> adopt_child(Process& parent, base::RefPtr<Process> child);

// Undoes adopt_child for a child that never ran, and drops it from the table.
void forget_child(Process& parent, Process& child);

// The last thread of `process` is gone: it becomes a zombie for its parent
// to wait for (or is reaped at once when the parent ignores SIGCHLD), its
// children go to pid 1, and the parent gets the exit signal.
void become_zombie(Process& process);

// Job control, as the parent sees it: `signal` stopped the process, or
// SIGCONT continued it.
void report_stopped(Process& process, int signal);
void report_continued(Process& process);

struct WaitRequest {
    enum class Which : std::uint8_t { Any, Pid, Group };
    Which which = Which::Any;
    int id = 0;
    int options = kWaitExited;
};

struct WaitOutcome {
    int pid = 0;  // 0: WNOHANG and nothing to report yet
    int status = 0;      // as wait4 reports it
    int code = 0;        // CLD_* for waitid
    int si_status = 0;   // exit code or signal, for waitid
    std::int64_t cpu_ns = 0;  // the child's and its reaped children's, for rusage
    std::int64_t system_ns = 0;  // the system-time part of cpu_ns
};

// wait4/waitid: ECHILD when no child matches; an interrupted wait returns
// the restart code (kRestartSys).
base::Result<WaitOutcome> wait_for_child(Process& self, const WaitRequest& request);

// CPU time of the reaped children of `process` (RUSAGE_CHILDREN, times(),
// /proc/PID/stat's cutime and cstime).
time::CpuTimes reaped_children_cpu_times(Process& process);

}  // namespace cella::process
