// The `sim` platform's host interface: raw host syscalls from LibOS text.
#include <asm/prctl.h>
#include <asm/stat.h>
#include <asm/unistd.h>
#include <linux/errno.h>
#include <linux/futex.h>
#include <linux/mman.h>
#include <linux/prctl.h>

#include "libos/host/host.h"
#include "libos/entry/asm_symbols.h"
#include "libos/entry/host_signals.h"
#include "checked.h"
#include "raw_syscall.h"

namespace cella::host {
namespace {

using base::Error;
using sim::raw_syscall;
using sim::checked;
using sim::checked_count;
using sim::checked_void;

#ifndef PR_SET_SYSCALL_USER_DISPATCH
constexpr long PR_SET_SYSCALL_USER_DISPATCH = 59;
constexpr long PR_SYS_DISPATCH_OFF = 0;
constexpr long PR_SYS_DISPATCH_ON = 1;
#endif

}  // namespace

Result<std::size_t> read(int fd, std::span<std::uint8_t> out) {
    return checked_count(raw_syscall(__NR_read, fd, reinterpret_cast<long>(out.data()), out.size()), out.size());
}

Result<std::size_t> pread(int fd, std::span<std::uint8_t> out, std::uint64_t offset) {
    return checked_count(
        raw_syscall(__NR_pread64, fd, reinterpret_cast<long>(out.data()), out.size(), static_cast<long>(offset)),
        out.size());
}

Result<std::size_t> write(int fd, std::span<const std::uint8_t> data) {
    return checked_count(raw_syscall(__NR_write, fd, reinterpret_cast<long>(data.data()), data.size()),
                         data.size());
}

void write_all(int fd, const char* text, std::size_t length) {
    while (length > 0) {
        long n = raw_syscall(__NR_write, fd, reinterpret_cast<long>(text), length);
        if (n == -EINTR) continue;
        if (n <= 0 || static_cast<std::size_t>(n) > length) return;
        text += n;
        length -= n;
    }
}

Result<void> fstat(int fd, struct ::stat& out) {
    return checked_void(raw_syscall(__NR_fstat, fd, reinterpret_cast<long>(&out)));
}

Result<long> ioctl(int fd, unsigned long request, void* arg) {
    return checked(raw_syscall(__NR_ioctl, fd, static_cast<long>(request), reinterpret_cast<long>(arg)));
}

static Result<void> map_at(std::uint64_t address, std::uint64_t length, int prot, long placement) {
    long result = raw_syscall(__NR_mmap, static_cast<long>(address), static_cast<long>(length), prot,
                              MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | placement, -1, 0);
    long mapped = TRY(checked(result));
    if (static_cast<std::uint64_t>(mapped) != address) {
        // An old kernel that ignores MAP_FIXED_NOREPLACE places it elsewhere.
        raw_syscall(__NR_munmap, mapped, static_cast<long>(length));
        return Error::from_errno(EEXIST);
    }
    return {};
}

Result<void> map_anonymous_fixed(std::uint64_t address, std::uint64_t length, int prot, bool populate) {
    return map_at(address, length, prot, MAP_FIXED | (populate ? MAP_POPULATE : 0));
}

Result<void> map_anonymous_noreplace(std::uint64_t address, std::uint64_t length, int prot) {
    return map_at(address, length, prot, MAP_FIXED_NOREPLACE);
}

Result<void> decommit(std::uint64_t address, std::uint64_t length) {
    return map_at(address, length, PROT_NONE, MAP_FIXED);
}

Result<void> unmap(std::uint64_t address, std::uint64_t length) {
    return checked_void(raw_syscall(__NR_munmap, static_cast<long>(address), static_cast<long>(length)));
}

Result<void> discard(std::uint64_t address, std::uint64_t length) {
    return checked_void(raw_syscall(__NR_madvise, static_cast<long>(address), static_cast<long>(length), MADV_DONTNEED));
}

Result<void> move_pages(std::uint64_t from, std::uint64_t to, std::uint64_t length) {
    constexpr long kMayMove = 1, kFixed = 2, kDontUnmap = 4;
    long moved = raw_syscall(__NR_mremap, static_cast<long>(from), static_cast<long>(length),
                             static_cast<long>(length), kMayMove | kFixed | kDontUnmap, static_cast<long>(to));
    if (moved < 0) return Error::from_errno(static_cast<int>(-moved));
    if (moved != static_cast<long>(to)) return Error::from_errno(EFAULT);
    return {};
}

Result<void> populate_write(std::uint64_t address, std::uint64_t length) {
    constexpr long kMadvPopulateWrite = 23;
    return checked_void(raw_syscall(__NR_madvise, static_cast<long>(address), static_cast<long>(length),
                                    kMadvPopulateWrite));
}

Result<void> protect(std::uint64_t address, std::uint64_t length, int prot) {
    return checked_void(raw_syscall(__NR_mprotect, static_cast<long>(address), static_cast<long>(length), prot));
}

Result<void> residency(std::uint64_t address, std::uint64_t length, std::span<std::uint8_t> out) {
    if ((length + 4095) / 4096 > out.size()) return Error::from_errno(EINVAL);
    TRY(checked(raw_syscall(__NR_mincore, static_cast<long>(address), static_cast<long>(length),
                            reinterpret_cast<long>(out.data()))));
    // Only bit 0 means anything; the rest is the host's to fill as it likes.
    for (std::uint8_t& page : out) page &= 1;
    return {};
}

Result<int> shared_memory_create() {
    constexpr unsigned kCloseOnExec = 1;  // MFD_CLOEXEC
    long fd = TRY(checked(raw_syscall(__NR_memfd_create, reinterpret_cast<long>("cella-shared"), kCloseOnExec)));
    if (fd > 0x7fffffff) return Error::from_errno(EIO);
    return static_cast<int>(fd);
}

void shared_memory_close(int handle) { raw_syscall(__NR_close, handle); }

Result<void> shared_memory_resize(int handle, std::uint64_t size) {
    if (size > (~0ull >> 1)) return Error::from_errno(EFBIG);
    return checked_void(raw_syscall(__NR_ftruncate, handle, static_cast<long>(size)));
}

Result<SharedMemoryUsage> shared_memory_usage(int handle) {
    struct ::stat st {};
    TRY(fstat(handle, st));
    if (st.st_size < 0 || st.st_blocks < 0 || static_cast<std::uint64_t>(st.st_blocks) > (~0ull >> 9))
        return Error::from_errno(EIO);
    return SharedMemoryUsage{static_cast<std::uint64_t>(st.st_size), static_cast<std::uint64_t>(st.st_blocks) << 9};
}

Result<std::size_t> shared_memory_read(int handle, std::uint64_t offset, std::span<std::uint8_t> out) {
    return pread(handle, out, offset);
}

Result<std::size_t> shared_memory_write(int handle, std::uint64_t offset, std::span<const std::uint8_t> data) {
    return checked_count(raw_syscall(__NR_pwrite64, handle, reinterpret_cast<long>(data.data()), data.size(),
                                     static_cast<long>(offset)),
                         data.size());
}

Result<void> shared_memory_allocate(int handle, int mode, std::uint64_t offset, std::uint64_t length) {
    return checked_void(
        raw_syscall(__NR_fallocate, handle, mode, static_cast<long>(offset), static_cast<long>(length)));
}

Result<std::uint64_t> shared_memory_seek(int handle, std::uint64_t offset, bool hole) {
    constexpr int kSeekData = 3, kSeekHole = 4;
    long at = TRY(checked(raw_syscall(__NR_lseek, handle, static_cast<long>(offset), hole ? kSeekHole : kSeekData)));
    // The answer lies at or after where the search began.
    if (static_cast<std::uint64_t>(at) < offset) return Error::from_errno(EIO);
    return static_cast<std::uint64_t>(at);
}

Result<void> map_shared(std::uint64_t address, std::uint64_t length, int prot, int handle, std::uint64_t offset,
                        bool replace) {
    long result = raw_syscall(__NR_mmap, static_cast<long>(address), static_cast<long>(length), prot,
                              MAP_SHARED | (replace ? MAP_FIXED : MAP_FIXED_NOREPLACE), handle,
                              static_cast<long>(offset));
    long mapped = TRY(checked(result));
    if (static_cast<std::uint64_t>(mapped) != address) {
        raw_syscall(__NR_munmap, mapped, static_cast<long>(length));
        return Error::from_errno(EEXIST);
    }
    return {};
}

int gettid() { return static_cast<int>(raw_syscall(__NR_gettid)); }

Result<void> set_fs_base(std::uint64_t base) {
    return checked_void(raw_syscall(__NR_arch_prctl, ARCH_SET_FS, static_cast<long>(base)));
}

std::uint64_t fs_base() {
    std::uint64_t base = 0;
    raw_syscall(__NR_arch_prctl, ARCH_GET_FS, reinterpret_cast<long>(&base));
    return base;
}

Result<void> set_gs_base(std::uint64_t base) {
    return checked_void(raw_syscall(__NR_arch_prctl, ARCH_SET_GS, static_cast<long>(base)));
}

std::uint64_t gs_base() {
    std::uint64_t base = 0;
    raw_syscall(__NR_arch_prctl, ARCH_GET_GS, reinterpret_cast<long>(&base));
    return base;
}

void futex_wait(std::uint32_t* word, std::uint32_t expected) {
    raw_syscall(__NR_futex, reinterpret_cast<long>(word), FUTEX_WAIT_PRIVATE, expected, 0, 0, 0);
}

void futex_wake(std::uint32_t* word, int count) {
    raw_syscall(__NR_futex, reinterpret_cast<long>(word), FUTEX_WAKE_PRIVATE, count, 0, 0, 0);
}

void wait_for_thread_exit(volatile std::uint32_t* word) {
    while (std::uint32_t value = __atomic_load_n(word, __ATOMIC_ACQUIRE))
        raw_syscall(__NR_futex, reinterpret_cast<long>(word), FUTEX_WAIT, value, 0, 0, 0);
}

void futex_wake_all_kinds(std::uint32_t* word, int count) {
    raw_syscall(__NR_futex, reinterpret_cast<long>(word), FUTEX_WAKE, count, 0, 0, 0);
    raw_syscall(__NR_futex, reinterpret_cast<long>(word), FUTEX_WAKE_PRIVATE, count, 0, 0, 0);
}

Result<void> sigaction(int signal, const KernelSigaction* action, KernelSigaction* old) {
    return checked_void(raw_syscall(__NR_rt_sigaction, signal, reinterpret_cast<long>(action),
                                    reinterpret_cast<long>(old), sizeof(std::uint64_t)));
}

Result<void> sigprocmask(int how, const std::uint64_t* set, std::uint64_t* old) {
    return checked_void(raw_syscall(__NR_rt_sigprocmask, how, reinterpret_cast<long>(set),
                                    reinterpret_cast<long>(old), sizeof(std::uint64_t)));
}

Result<void> sigaltstack(const void* stack, void* old) {
    return checked_void(raw_syscall(__NR_sigaltstack, reinterpret_cast<long>(stack), reinterpret_cast<long>(old)));
}

Result<void> syscall_dispatch_on(std::uint64_t allowed_start, std::uint64_t allowed_end,
                                 volatile std::uint8_t* selector) {
    return checked_void(raw_syscall(__NR_prctl, PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_ON,
                                    static_cast<long>(allowed_start), static_cast<long>(allowed_end - allowed_start),
                                    reinterpret_cast<long>(selector)));
}

Result<void> syscall_dispatch_off() {
    return checked_void(raw_syscall(__NR_prctl, PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_OFF, 0, 0, 0));
}

int host_pid() {
    static int pid = 0;
    if (!pid) pid = static_cast<int>(raw_syscall(__NR_getpid));
    return pid;
}

void kick_thread(int host_tid) { raw_signal_thread(host_tid, entry::kKickSignal); }

void raw_signal_thread(int host_tid, int signal) { raw_syscall(__NR_tgkill, host_pid(), host_tid, signal); }

void exit_thread() {
    for (;;) raw_syscall(__NR_exit, 0);
}

long blocking_syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6) {
    return cella_blocking_syscall(nr, a1, a2, a3, a4, a5, a6);
}

long futex(std::uint32_t* address, int op, std::uint32_t value, const void* timeout, std::uint32_t* address2,
           std::uint32_t value3) {
    return cella_blocking_syscall(__NR_futex, reinterpret_cast<long>(address), op, value,
                                  reinterpret_cast<long>(timeout), reinterpret_cast<long>(address2), value3);
}

long wait_for_signal(std::uint64_t set, void* info, std::int64_t timeout_ns) {
    std::int64_t timeout[2] = {timeout_ns / 1000000000, timeout_ns % 1000000000};
    return raw_syscall(__NR_rt_sigtimedwait, reinterpret_cast<long>(&set), reinterpret_cast<long>(info),
                       timeout_ns < 0 ? 0 : reinterpret_cast<long>(timeout), sizeof set);
}

Result<std::int64_t> thread_cpu_time_ns(int host_tid) {
    // MAKE_THREAD_CPUCLOCK(tid, CPUCLOCK_SCHED)
    int clock = (~host_tid << 3) | 6;
    std::int64_t seconds = 0, nanoseconds = 0;
    TRY(clock_gettime(clock, seconds, nanoseconds));
    return seconds * 1000000000 + nanoseconds;
}

Result<void> thread_user_system_ns(int host_tid, std::int64_t& user_ns, std::int64_t& system_ns) {
    // MAKE_THREAD_CPUCLOCK(tid, CPUCLOCK_VIRT) and (tid, CPUCLOCK_PROF).
    int virt = (~host_tid << 3) | 5, prof = (~host_tid << 3) | 4;
    std::int64_t seconds = 0, nanoseconds = 0;
    TRY(clock_gettime(virt, seconds, nanoseconds));
    user_ns = seconds * 1000000000 + nanoseconds;
    TRY(clock_gettime(prof, seconds, nanoseconds));
    std::int64_t both = seconds * 1000000000 + nanoseconds;
    system_ns = both > user_ns ? both - user_ns : 0;
    return {};
}

Result<void> random_bytes(std::span<std::uint8_t> out) {
    std::size_t done = 0;
    while (done < out.size()) {
        long n = raw_syscall(__NR_getrandom, reinterpret_cast<long>(out.data() + done), out.size() - done, 0);
        if (n == -EINTR) continue;
        done += TRY(checked_count(n, out.size() - done));
    }
    return {};
}

Result<void> clock_gettime(int clock, std::int64_t& seconds, std::int64_t& nanoseconds) {
    struct {
        std::int64_t tv_sec;
        std::int64_t tv_nsec;
    } ts{};
    TRY(checked(raw_syscall(__NR_clock_gettime, clock, reinterpret_cast<long>(&ts))));
    if (ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000) return Error::from_errno(EIO);
    seconds = ts.tv_sec;
    nanoseconds = ts.tv_nsec;
    return {};
}

Result<void> clock_getres(int clock, std::int64_t& seconds, std::int64_t& nanoseconds) {
    std::int64_t ts[2] = {0, 0};
    TRY(checked(raw_syscall(__NR_clock_getres, clock, reinterpret_cast<long>(ts))));
    seconds = ts[0];
    nanoseconds = ts[1];
    return {};
}

Result<void> clock_nanosleep(int clock, bool absolute, std::int64_t seconds, std::int64_t nanoseconds,
                             std::int64_t* remaining_seconds, std::int64_t* remaining_nanoseconds) {
    std::int64_t request[2] = {seconds, nanoseconds};
    std::int64_t remaining[2] = {0, 0};
    // clock_nanosleep returns the error number itself, not -1/errno.
    long r = raw_syscall(__NR_clock_nanosleep, clock, absolute ? 1 : 0, reinterpret_cast<long>(request),
                         reinterpret_cast<long>(remaining));
    if (remaining_seconds) *remaining_seconds = remaining[0];
    if (remaining_nanoseconds) *remaining_nanoseconds = remaining[1];
    return checked_void(r);
}

void sched_yield() { raw_syscall(__NR_sched_yield); }

Result<long> membarrier(int command, unsigned flags, int cpu) {
    return checked(raw_syscall(__NR_membarrier, command, flags, cpu));
}

Result<void> getcpu(unsigned& cpu, unsigned& node) {
    return checked_void(raw_syscall(__NR_getcpu, reinterpret_cast<long>(&cpu), reinterpret_cast<long>(&node), 0));
}

Result<void> getrusage(int who, void* usage) {
    return checked_void(raw_syscall(__NR_getrusage, who, reinterpret_cast<long>(usage)));
}

Result<long> times(void* tms) {
    // times() may return any value, even one that looks like -errno.
    return raw_syscall(__NR_times, reinterpret_cast<long>(tms));
}

Result<void> uname(void* utsname) { return checked_void(raw_syscall(__NR_uname, reinterpret_cast<long>(utsname))); }

Result<int> read_time_state(void* timex) {
    if (*static_cast<const std::uint32_t*>(timex) != 0) return Error::from_errno(EINVAL);  // modes: read only
    long state = raw_syscall(__NR_adjtimex, reinterpret_cast<long>(timex));
    if (state < 0) return Error::from_errno(static_cast<int>(-state));
    if (state > 5) return Error::from_errno(EIO);  // not a TIME_* state
    return static_cast<int>(state);
}

void exit_group(int code) {
    for (;;) raw_syscall(__NR_exit_group, code);
}

}  // namespace cella::host

namespace cella::host {
namespace {
int g_memory_fd = -1;
constexpr long kMembarrierSyncCore = 1 << 5;           // MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE
constexpr long kMembarrierRegisterSyncCore = 1 << 6;   // ..._REGISTER_...


// /proc/self/mem, opened at the first need. A write through it reaches
// pages whatever their protection, as a debugger's does.
Result<int> memory_fd() {
    int fd = __atomic_load_n(&g_memory_fd, __ATOMIC_ACQUIRE);
    if (fd >= 0) return fd;
    long opened =
        TRY(checked(raw_syscall(__NR_open, reinterpret_cast<long>("/proc/self/mem"), 02 | 02000000 /* O_RDWR|O_CLOEXEC */)));
    int expected = -1;
    if (__atomic_compare_exchange_n(&g_memory_fd, &expected, static_cast<int>(opened), false, __ATOMIC_ACQ_REL,
                                    __ATOMIC_ACQUIRE))
        return static_cast<int>(opened);
    raw_syscall(__NR_close, opened);  // another thread opened it first
    return expected;
}

Result<void> write_memory(std::uint64_t address, std::span<const std::uint8_t> bytes) {
    int fd = TRY(memory_fd());
    for (std::size_t done = 0; done < bytes.size();) {
        std::size_t n = TRY(checked_count(raw_syscall(__NR_pwrite64, fd, reinterpret_cast<long>(bytes.data() + done),
                                                      static_cast<long>(bytes.size() - done),
                                                      static_cast<long>(address + done)),
                                          bytes.size() - done));
        if (n == 0) return Error::from_errno(EIO);
        done += n;
    }
    return {};
}

}  // namespace

Result<void> code_patching_init() {
    TRY(memory_fd());
    return checked_void(raw_syscall(__NR_membarrier, kMembarrierRegisterSyncCore, 0, 0));
}

Result<void> write_code(std::uint64_t address, std::span<const std::uint8_t> bytes) {
    return write_memory(address, bytes);
}

Result<void> write_inaccessible(std::uint64_t address, std::span<const std::uint8_t> bytes) {
    return write_memory(address, bytes);
}

Result<void> sync_cores() { return checked_void(raw_syscall(__NR_membarrier, kMembarrierSyncCore, 0, 0)); }

}  // namespace cella::host
