#pragma once
// What procfs reads from the process and thread objects, gathered here so
// that a change there is a change in this one file. Everything is copied
// out under the owners' locks; nothing here holds a lock on return.
#include <cstdint>
#include <optional>
#include <string_view>

#include "libos/base/own_ptr.h"
#include "libos/base/vector.h"
#include "libos/process/process.h"
#include "libos/time/cpu_clocks.h"
#include "subject.h"

namespace cella::fs::procfs {

using base::Result;

// A /proc name that is a pid, tid or fd: decimal, no sign, no leading zero.
std::optional<int> parse_id(std::string_view name);
// The other way: the directory or link name of an id.
Result<base::String> id_name(int id);

// ENOENT once the process (or, for a task subject, the thread) is gone.
Result<base::RefPtr<process::Process>> find_live_process(int pid);
Result<void> check_alive(const Subject& subject);

// Ascending.
Result<base::Vector<int>> live_process_ids();
Result<base::Vector<int>> thread_ids(process::Process& process);
Result<base::Vector<int>> open_fds(process::Process& process);

struct ThreadFacts {
    int tid = 0;
    char name[process::Thread::kNameSize] = {};  // NUL-terminated
    // Linux's state letter: R for the thread reading /proc and any other
    // not waiting in the LibOS, S while it waits in a blocking call, T
    // while its process is stopped, Z once its process is a zombie.
    char state = 'R';
    bool running = false;                       // it is the thread reading /proc
    std::uint64_t blocked = 0;                  // signal mask
    std::uint64_t pending = 0;                  // signals pending on the thread
    std::size_t queued = 0;                     // instances of them
    time::CpuTimes cpu;
    std::uint64_t start_ns = 0;  // CLOCK_BOOTTIME
    // sched_setscheduler's policy and real-time priority, sched_setaffinity's CPUs.
    int policy = 0;
    int rt_priority = 0;
    std::uint64_t affinity = ~std::uint64_t{0};
};

struct ProcessFacts {
    ThreadFacts thread;  // the subject's thread, or the main thread
    std::size_t thread_count = 0;
    bool running = false;  // one of its threads is reading /proc
    bool zombie = false;   // every thread gone, not yet reaped
    int exit_status = 0;   // a zombie's wait status
    std::uint64_t shared_pending = 0;
    std::size_t shared_queued = 0;
    std::uint64_t ignored = 0;  // dispositions SIG_IGN
    std::uint64_t caught = 0;   // dispositions with a handler
    time::CpuTimes cpu;           // every thread's, live and ended
    time::CpuTimes children_cpu;  // reaped children's
    int pgid = 0, sid = 0;
    // The controlling terminal (st_rdev encoding, 0: none) and its
    // foreground group (-1: none), /proc/PID/stat's tty_nr and tpgid.
    std::uint32_t tty_nr = 0;
    int tpgid = -1;
};

// For subject.tid 0 the thread is the main thread: the one whose tid is
// the pid, or the oldest left when it has exited.
Result<ProcessFacts> process_facts(process::Process& process, int tid);

}  // namespace cella::fs::procfs
