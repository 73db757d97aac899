#pragma once
// The host interface: the only way the LibOS reaches the untrusted host
// (Occlum's OCALLs, Gramine's PAL). Each call checks what comes back before
// the LibOS uses it (a count larger than asked, an address other than the
// one requested). The `sim` platform (host/sim/) serves these with raw
// syscalls issued from the LibOS's own text, which Syscall User Dispatch
// lets through; an SGX platform replaces that folder.
#include <cstddef>
#include <cstdint>
#include <span>

#include "libos/base/result.h"

struct stat;

namespace cella::host {

using base::Result;

// Data
Result<std::size_t> read(int fd, std::span<std::uint8_t> out);
Result<std::size_t> pread(int fd, std::span<std::uint8_t> out, std::uint64_t offset);
Result<std::size_t> write(int fd, std::span<const std::uint8_t> data);
// Writes everything, retrying short writes; for LibOS diagnostics.
void write_all(int fd, const char* text, std::size_t length);
Result<void> fstat(int fd, struct ::stat& out);
// TCGETS / TIOCGWINSZ and friends on a host tty; `arg` is LibOS memory of `size` bytes.
Result<long> ioctl(int fd, unsigned long request, void* arg);

// Memory inside the reserved enclave range (and, for fixed-address
// executables, outside it).
// populate: commit every page now (the caller is about to fill them all).
Result<void> map_anonymous_fixed(std::uint64_t address, std::uint64_t length, int prot, bool populate = false);
// Fails with EEXIST when anything is mapped there already.
Result<void> map_anonymous_noreplace(std::uint64_t address, std::uint64_t length, int prot);
// Returns the range to the reserved, inaccessible, uncommitted state.
Result<void> decommit(std::uint64_t address, std::uint64_t length);
Result<void> unmap(std::uint64_t address, std::uint64_t length);
// Drops the contents of committed pages; they read back as zeros.
Result<void> discard(std::uint64_t address, std::uint64_t length);
Result<void> protect(std::uint64_t address, std::uint64_t length, int prot);
// Moves the pages at `from` to `to` in one step, leaving `from` mapped and
// empty (mremap with MREMAP_DONTUNMAP; SGX2's EACCEPTCOPY plays this part).
Result<void> move_pages(std::uint64_t from, std::uint64_t to, std::uint64_t length);
// Writes `bytes` into private pages the application cannot reach yet
// (inaccessible at the host), committing them, without making them
// accessible: a later `protect` that opens them then needs no TLB
// shootdown, where moving pages in (move_pages) or closing writable ones
// sends one to every CPU running the enclave. In sim a write through
// /proc/self/mem; on SGX2 what EAUG and EACCEPTCOPY do.
Result<void> write_inaccessible(std::uint64_t address, std::span<const std::uint8_t> bytes);
// Backs writable pages now (MADV_POPULATE_WRITE): one call instead of a fault per page.
Result<void> populate_write(std::uint64_t address, std::uint64_t length);
// Shared memory: pages that every mapping of them, in any process, sees
// as one copy at once (a host memfd in sim). The page cache of a file and
// shared anonymous memory live in them (mm/shared_pages.h). `handle` is
// what shared_memory_create returned; holes read zero and cost nothing.
Result<int> shared_memory_create();
void shared_memory_close(int handle);
Result<void> shared_memory_resize(int handle, std::uint64_t size);
struct SharedMemoryUsage {
    std::uint64_t size;       // bytes
    std::uint64_t allocated;  // bytes the host holds pages for
};
Result<SharedMemoryUsage> shared_memory_usage(int handle);
Result<std::size_t> shared_memory_read(int handle, std::uint64_t offset, std::span<std::uint8_t> out);
Result<std::size_t> shared_memory_write(int handle, std::uint64_t offset, std::span<const std::uint8_t> data);
// fallocate(2) with tmpfs's modes: 0, FALLOC_FL_KEEP_SIZE, FALLOC_FL_PUNCH_HOLE|FALLOC_FL_KEEP_SIZE.
Result<void> shared_memory_allocate(int handle, int mode, std::uint64_t offset, std::uint64_t length);
// The first byte at or after `offset` that is data (or a hole: SEEK_HOLE).
Result<std::uint64_t> shared_memory_seek(int handle, std::uint64_t offset, bool hole);
// Maps [offset, offset+length) of the pages at `address`, replacing what
// is there (`replace`) or failing with EEXIST if anything is.
Result<void> map_shared(std::uint64_t address, std::uint64_t length, int prot, int handle, std::uint64_t offset,
                        bool replace);
// Which pages of the range the host has backed with memory (mincore):
// out[i] is 1 for a resident page, 0 otherwise; out has one byte per page.
Result<void> residency(std::uint64_t address, std::uint64_t length, std::span<std::uint8_t> out);

// Code patching (syscall-site rewriting): writes bytes into executable
// memory that stays read-only to everyone else (through /proc/self/mem on
// sim; EMODPE/EACCEPT on SGX2), and makes every CPU running enclave
// threads discard what it fetched before (membarrier SYNC_CORE), as the
// cross-modifying-code rules require between steps of a patch.
Result<void> code_patching_init();
Result<void> write_code(std::uint64_t address, std::span<const std::uint8_t> bytes);
Result<void> sync_cores();

// Threads and the CPU
int gettid();
Result<void> set_fs_base(std::uint64_t base);
std::uint64_t fs_base();
Result<void> set_gs_base(std::uint64_t base);
std::uint64_t gs_base();
void futex_wait(std::uint32_t* word, std::uint32_t expected);
void futex_wake(std::uint32_t* word, int count);
// Waits on a word the host kernel clears and wakes at a thread's exit
// (CLONE_CHILD_CLEARTID): that wake is a shared-futex wake.
void wait_for_thread_exit(volatile std::uint32_t* word);
// Wakes waiters of both kinds (private and shared futexes), as a thread
// exit with CLONE_CHILD_CLEARTID must.
void futex_wake_all_kinds(std::uint32_t* word, int count);

// Signals and syscall interception
struct KernelSigaction {
    void* handler;
    unsigned long flags;
    void* restorer;
    std::uint64_t mask;
};
Result<void> sigaction(int signal, const KernelSigaction* action, KernelSigaction* old);
Result<void> sigprocmask(int how, const std::uint64_t* set, std::uint64_t* old);
Result<void> sigaltstack(const void* stack, void* old);
// Syscall User Dispatch: `selector` nonzero blocks syscalls outside
// [allowed_start, allowed_end).
Result<void> syscall_dispatch_on(std::uint64_t allowed_start, std::uint64_t allowed_end, volatile std::uint8_t* selector);
Result<void> syscall_dispatch_off();

// Threads of the enclave
int host_pid();
// Sends the LibOS's kick signal to a host thread of this process.
void kick_thread(int host_tid);
void raw_signal_thread(int host_tid, int signal);
[[noreturn]] void exit_thread();
// A host syscall that may block and that a kick interrupts (-EINTR), even
// when the kick comes just before it blocks. Raw result: value or -errno.
long blocking_syscall(long nr, long a1 = 0, long a2 = 0, long a3 = 0, long a4 = 0, long a5 = 0, long a6 = 0);
// FUTEX_* operations on application memory, passed through after checks;
// waiting operations are interruptible by a kick.
long futex(std::uint32_t* address, int op, std::uint32_t value, const void* timeout, std::uint32_t* address2,
           std::uint32_t value3);
// membarrier(2) for the host process: every application thread is one of
// its threads, so the host's barrier is the application's.
Result<long> membarrier(int command, unsigned flags, int cpu);
// Waits for one of `set` (rt_sigtimedwait); -EAGAIN on timeout.
long wait_for_signal(std::uint64_t set, void* info, std::int64_t timeout_ns);
// CPU time of a host thread (CLOCK_THREAD_CPUTIME_ID of another thread).
Result<std::int64_t> thread_cpu_time_ns(int host_tid);
// The host's user and system time of a host thread (0: the caller), as
// its tick-sampled CPUCLOCK_VIRT and CPUCLOCK_PROF clocks count them.
Result<void> thread_user_system_ns(int host_tid, std::int64_t& user_ns, std::int64_t& system_ns);

// Misc
Result<void> random_bytes(std::span<std::uint8_t> out);
Result<void> clock_gettime(int clock, std::int64_t& seconds, std::int64_t& nanoseconds);
Result<void> clock_getres(int clock, std::int64_t& seconds, std::int64_t& nanoseconds);
// Sleeps until the clock reaches the time (absolute) or for the duration.
// On EINTR, `remaining` (relative sleeps) holds what was left.
Result<void> clock_nanosleep(int clock, bool absolute, std::int64_t seconds, std::int64_t nanoseconds,
                             std::int64_t* remaining_seconds, std::int64_t* remaining_nanoseconds);
Result<void> uname(void* utsname);
// adjtimex(2) with modes 0: fills the host's struct timex (which must have
// modes 0) and returns its clock state (TIME_OK .. TIME_ERROR).
Result<int> read_time_state(void* timex);
// struct rusage of the host (who: RUSAGE_SELF or RUSAGE_THREAD).
Result<void> getrusage(int who, void* usage);
// struct tms of the host; returns clock ticks since an arbitrary point.
Result<long> times(void* tms);
void sched_yield();
Result<void> getcpu(unsigned& cpu, unsigned& node);
[[noreturn]] void exit_group(int code);

}  // namespace cella::host
