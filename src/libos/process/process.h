#pragma once
// A process (Occlum's SIP) and its threads. A process owns an identity,
// its file descriptors, working directory, the memory it holds in the
// shared address space, its signal dispositions and its threads; a thread
// owns its LibOS CPU state (ThreadCpu), signal mask and pending set.
#include <cstdint>
#include <string_view>

#include "libos/base/intrusive_list.h"
#include "libos/base/lock.h"
#include "libos/base/own_ptr.h"
#include "libos/base/string.h"
#include "libos/base/vector.h"
#include "libos/entry/cpu.h"
#include "libos/fs/fd_table.h"
#include "libos/ipc/waitable.h"
#include "credentials.h"
#include "resource_limits.h"
#include "signal_action.h"
#include "signal_queue.h"

namespace cella::mm {
class MemorySnapshot;
}
namespace cella::tty {
class Pty;
}

namespace cella::process {

using base::Result;

struct ProgramBreak {
    std::uint64_t start = 0;    // first byte of the heap
    std::uint64_t current = 0;  // what brk() last set
    std::uint64_t limit = 0;    // end of the reserved range
};

class Process;

// A timed wait cut short by a signal, to be resumed by restart_syscall with
// the time that was left: the deadline is absolute on `clock`.
struct RestartBlock {
    // Null: restart_syscall answers EINTR (Linux's do_no_restart_syscall).
    long (*resume)(const RestartBlock& block) = nullptr;
    int clock = 0;
    std::int64_t deadline_ns = 0;
    std::uint64_t remain_address = 0;  // nanosleep's remaining time (0: none)
    std::uint64_t futex_address = 0;
    int futex_flags = 0;  // FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME
    std::uint32_t futex_value = 0;
    std::uint32_t futex_bitset = 0;
};

class Thread : public base::IntrusiveListNode<> {
public:
    static constexpr std::size_t kNameSize = 16;  // TASK_COMM_LEN

    Thread(int tid, base::RefPtr<Process> process);
    ~Thread();

    int tid() const { return tid_; }
    Process& process() { return *process_; }
    entry::ThreadCpu& cpu() { return cpu_; }

    // prctl(PR_SET_NAME): at most 15 bytes, as Linux keeps.
    std::string_view name() const { return name_; }
    void set_name(std::string_view name);

    // Host thread behind this thread (its kernel tid), 0 before it runs.
    int host_tid = 0;
    // The host wake fd this thread sleeps on beside host fds (ipc/poll),
    // made at its first such sleep; -1 before.
    int host_wake_fd = -1;
    // CLOCK_BOOTTIME when the thread was made, for /proc.
    std::uint64_t start_ns = 0;
    std::uint64_t clear_child_tid = 0;
    std::uint64_t robust_list = 0;
    std::uint64_t robust_list_length = 0;
    // Signal state, guarded by the process's signal_lock().
    std::uint64_t signal_mask = 0;
    SignalQueue pending;
    AppSignalStack signal_stack;
    // rt_sigsuspend: the mask to put back once a handler has been entered.
    bool restore_mask_after_handler = false;
    std::uint64_t mask_after_handler = 0;
    // The thread is in a kernel-style blocking call that waits for a signal
    // (sigsuspend, sigtimedwait): only a kick can wake it.
    std::uint64_t waiting_for = 0;
    // What restart_syscall resumes after a call returned
    // ERESTART_RESTARTBLOCK and no handler ran (Linux's restart_block).
    RestartBlock restart;
    // set_mempolicy's mode (with its flags) and nodes, for get_mempolicy.
    int mempolicy_mode = 0;
    std::uint64_t mempolicy_nodes = 0;
    // sched_setaffinity/sched_setscheduler, per thread as on Linux and
    // inherited by the threads and processes it makes. Recorded and
    // reported; placement and scheduling are the host's. Guarded by
    // process_table().lock(), since other threads may name this one by tid.
    struct Scheduling {
        std::uint64_t affinity = ~std::uint64_t{0};  // CPUs 0..63
        int policy = 0;                              // SCHED_OTHER
        int priority = 0;
        bool reset_on_fork = false;
    } scheduling;

private:
    int tid_;
    base::RefPtr<Process> process_;
    entry::ThreadCpu cpu_{};
    char name_[kNameSize] = {};
};

// Read and write calls and the bytes they moved (/proc/PID/io's rchar,
// wchar, syscr, syscw), counted by the read and write families of calls.
struct IoCounters {
    std::uint64_t read_bytes = 0, write_bytes = 0, read_calls = 0, write_calls = 0;

    template <typename R>
    R count(bool write, R result) {
        __atomic_fetch_add(write ? &write_calls : &read_calls, 1, __ATOMIC_RELAXED);
        if (!result.is_error() && result.value() > 0)
            __atomic_fetch_add(write ? &write_bytes : &read_bytes, static_cast<std::uint64_t>(result.value()),
                               __ATOMIC_RELAXED);
        return result;
    }
    void add(const IoCounters& other) {
        __atomic_fetch_add(&read_bytes, other.read_bytes, __ATOMIC_RELAXED);
        __atomic_fetch_add(&write_bytes, other.write_bytes, __ATOMIC_RELAXED);
        __atomic_fetch_add(&read_calls, other.read_calls, __ATOMIC_RELAXED);
        __atomic_fetch_add(&write_calls, other.write_calls, __ATOMIC_RELAXED);
    }
};

// Where a process is in its life, as its parent's wait() sees it.
enum class RunState : std::uint8_t { Running, Stopped, Zombie };

class Process : public base::RefCounted<Process> {
public:
    Process(int pid, int ppid);
    ~Process();

    int pid() const { return pid_; }
    int ppid() const { return __atomic_load_n(&ppid_, __ATOMIC_RELAXED); }
    // Orphans go to pid 1; the process table's tree lock is held.
    void set_ppid(int ppid) { __atomic_store_n(&ppid_, ppid, __ATOMIC_RELAXED); }
    // Job control: the process group and session, inherited from the parent.
    int pgid = 0;
    int sid = 0;
    // The session's controlling terminal as this process knows it (Linux
    // keeps it per process too: signal->tty), inherited by children and
    // dropped by setsid. Guarded by process_table().tree_lock().
    base::RefPtr<tty::Pty> controlling_tty;
    fs::FdTable& fds() { return fds_; }

    // The pid whose mappings this process uses: its own, or, for a child
    // made by vfork or clone(CLONE_VM), its parent's until it calls execve.
    int memory_owner() const { return memory_owner_; }
    void set_memory_owner(int pid) { memory_owner_ = pid; }
    bool borrows_memory() const { return memory_owner_ != pid_; }

    // Family and wait state, guarded by process_table().tree_lock().
    base::Vector<base::RefPtr<Process>> children;
    int exit_signal = 0;      // sent to the parent at exit (clone's low byte)
    RunState run_state = RunState::Running;
    int wait_status = 0;      // Linux wait status of the last stop or the exit
    bool stop_unreported = false;
    bool has_execed = false;  // setpgid by the parent fails with EACCES then
    bool continue_unreported = false;
    // CPU time, for the parent's rusage: this process's own once it is a
    // zombie, and what its reaped children used.
    std::int64_t exit_cpu_ns = 0;
    std::int64_t exit_system_ns = 0;  // the system-time part of exit_cpu_ns
    std::int64_t reaped_children_cpu_ns = 0;
    std::int64_t reaped_children_system_ns = 0;
    // This process's reads and writes, with those of its reaped children.
    IoCounters io;
    // Notified whenever a child stops, continues or exits.
    ipc::Waitable child_events;
    // Notified when this process becomes a zombie (its pidfds turn readable).
    ipc::Waitable exited;
    // Notified whenever a signal is queued for the process or one of its
    // threads (signalfd's readers and pollers wait on it).
    ipc::Waitable signal_arrivals;
    // vfork: non-zero while the parent's thread waits for this child to
    // call execve or to exit (a futex word).
    std::uint32_t vfork_pending = 0;
    // A child of a sequential fork: its parent's memory as it was at the
    // fork, put back when this child execs or exits (fork.h).
    base::OwnPtr<mm::MemorySnapshot> fork_snapshot;

    const base::String& cwd() const { return cwd_; }
    Result<void> set_cwd(std::string_view path) {
        cwd_ = TRY(base::String::from(path));
        return {};
    }
    // chroot(2): the directory absolute paths start from, canonical from
    // the real root ("/" unless changed).
    std::string_view root() const { return root_.is_empty() ? std::string_view("/") : root_.view(); }
    Result<void> set_root(std::string_view path) {
        root_ = TRY(base::String::from(path));
        return {};
    }
    std::uint32_t umask() const { return umask_; }
    std::uint32_t set_umask(std::uint32_t mask) {
        std::uint32_t old = umask_;
        umask_ = mask & 0777;
        return old;
    }

    const base::String& exe_path() const { return exe_path_; }
    Result<void> set_exe_path(std::string_view path) {
        exe_path_ = TRY(base::String::from(path));
        return {};
    }
    // The argument strings of the current program, NUL-separated, as
    // /proc/PID/cmdline shows them.
    const base::Vector<char>& command_line() const { return command_line_; }
    Result<void> set_command_line(const base::Vector<base::String>& argv);
    // The environment strings the program started with, NUL-separated
    // (/proc/PID/environ), and its auxiliary vector as (type, value) words
    // up to and with AT_NULL (/proc/PID/auxv). Set by exec, kept by fork.
    const base::Vector<char>& environment() const { return environment_; }
    Result<void> set_environment(const base::Vector<base::String>& envp);
    const base::Vector<std::uint64_t>& auxiliary_vector() const { return auxiliary_vector_; }
    Result<void> set_auxiliary_vector(std::span<const std::uint64_t> words);

    // A new child's copy of its parent: identity, directory, program, break,
    // memory, signal actions (not the fds, not the family).
    Result<void> inherit_from(Process& parent);

    ProgramBreak& program_break() { return brk_; }

    // Kept across exec and copied to children: the nice value (-20..19),
    // the I/O priority (ioprio_set's encoding, 0 = none set), personality(2).
    int nice = 0;
    int io_priority = 0;
    std::uint32_t personality = 0;
    // /proc/PID/oom_score_adj (-1000..1000); nothing is ever killed for
    // want of memory, but programs set it and read it back.
    int oom_score_adj = 0;
    int oom_score_adj_min = 0;  // set by writers with CAP_SYS_RESOURCE; below it needs that capability
    ResourceLimits limits;
    // mlock/mlockall: the page ranges locked (sorted, disjoint) and
    // MCL_FUTURE. What counts as locked is their part that is still mapped.
    struct LockedRange {
        std::uint64_t start, end;
    };
    base::Vector<LockedRange> locked_ranges;
    bool lock_future = false;
    base::Mutex& locked_lock() { return locked_lock_; }

    // User and group ids; every change holds credentials_lock() (glibc
    // makes each thread repeat a set*id call).
    Credentials credentials;
    base::Mutex& credentials_lock() { return credentials_lock_; }
    // Index = signal number - 1.
    SignalAction* signal_actions() { return signal_actions_; }

    // Signals: actions, the process-wide pending queue, and how the process
    // is ending. Also guards every thread's signal state.
    base::Mutex& signal_lock() { return signal_lock_; }
    SignalQueue& shared_pending() { return shared_pending_; }
    bool exiting = false;
    // Job control stop (SIGSTOP, SIGTSTP, ...): the threads wait until SIGCONT or SIGKILL.
    bool group_stopped = false;
    int exit_code = 0;
    int term_signal = 0;
    char exit_message[200] = {};
    // CPU time of threads that have ended (for the process's CPU clock).
    std::int64_t ended_threads_cpu_ns = 0;  // reported by `cella run` when the enclave ends with this process
    std::int64_t ended_threads_system_ns = 0;  // their system-time part
    // CLOCK_BOOTTIME when the process was made (fork/spawn), for /proc.
    std::uint64_t start_ns = 0;
    // The name of its main thread once every thread is gone (a zombie's
    // /proc/PID/stat still shows it).
    char exit_name[Thread::kNameSize] = {};

    // Threads. The lock guards the list; a callback must not block.
    base::Mutex& threads_lock() { return threads_lock_; }
    void add_thread(Thread& thread);
    void remove_thread(Thread& thread);
    template <typename F>
    void for_each_thread(F&& visit) {
        base::ScopedLock guard(threads_lock_);
        for (Thread& thread : threads_) visit(thread);
    }
    std::size_t thread_count() {
        base::ScopedLock guard(threads_lock_);
        return threads_.size();
    }

private:
    int pid_;
    int ppid_;
    int memory_owner_;
    fs::FdTable fds_;
    base::String cwd_;
    base::String root_;
    std::uint32_t umask_ = 022;
    base::String exe_path_;
    base::Vector<char> command_line_;
    base::Vector<char> environment_;
    base::Vector<std::uint64_t> auxiliary_vector_;
    ProgramBreak brk_;
    SignalAction signal_actions_[64];
    base::Mutex signal_lock_;
    base::Mutex credentials_lock_;
    base::Mutex locked_lock_;
    SignalQueue shared_pending_;
    base::Mutex threads_lock_;
    base::IntrusiveList<Thread> threads_;
};

}  // namespace cella::process
