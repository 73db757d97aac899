// Scheduling attributes: nice values (getpriority/setpriority), CPU
// affinity, scheduling policies and parameters, I/O priorities. The host
// schedules the enclave's threads; these are kept per process or thread
// with Linux's checks and reported back, so that programs that set and
// read them see consistent answers.
#include <asm-generic/errno.h>
#include <asm/unistd.h>

#include "libos/mm/user_memory.h"
#include "libos/process/current.h"
#include "libos/process/process_table.h"
#include "libos/runtime/system_info.h"
#include "syscall.h"

namespace cella::syscall {
namespace {

using process::current_process;
using process::current_thread;
using process::Process;
using process::Thread;

constexpr int kCapSysNice = 23, kCapSysAdmin = 21;
constexpr int kPrioProcess = 0, kPrioGroup = 1, kPrioUser = 2;
constexpr int kSchedOther = 0, kSchedFifo = 1, kSchedRr = 2, kSchedBatch = 3, kSchedIdle = 5, kSchedDeadline = 6;
constexpr int kResetOnFork = 0x40000000;

bool capable(Process& process, int capability) {
    base::ScopedLock guard(process.credentials_lock());
    return process.credentials.has_capability(capability);
}

std::uint64_t online_cpus() {
    std::uint32_t cpus = runtime::cpu_count();
    return cpus >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << cpus) - 1;
}

// The processes getpriority/setpriority/ioprio_* name: a pid, a process
// group, or a user's processes (real uid); `who` 0 is the caller's own.
template <typename F>
Result<void> for_each_named(int which, int who, F&& visit) {
    Process& self = current_process();
    if (which < kPrioProcess || which > kPrioUser) return Error::from_errno(EINVAL);
    std::uint32_t uid = 0;
    if (which == kPrioUser) {
        base::ScopedLock guard(self.credentials_lock());
        uid = who ? static_cast<std::uint32_t>(who) : self.credentials.uids().real;
    }
    int group = which == kPrioGroup && who == 0 ? self.pgid : who;
    int pid = which == kPrioProcess && who == 0 ? self.pid() : who;
    base::Vector<base::RefPtr<Process>> named;
    Result<void> listed;
    process::process_table().for_each_process([&](Process& process) {
        bool match = which == kPrioProcess ? process.pid() == pid : which == kPrioGroup ? process.pgid == group : false;
        if (which == kPrioUser) {
            base::ScopedLock guard(process.credentials_lock());
            match = process.credentials.uids().real == uid;
        }
        if (match && !listed.is_error()) listed = named.try_append(base::RefPtr<Process>(&process));
    });
    TRY(listed);
    if (named.is_empty()) return Error::from_errno(ESRCH);
    for (auto& process : named) TRY(visit(*process));
    return {};
}

// Linux's set_one_prio_perm: the caller's effective uid owns the target, or CAP_SYS_NICE.
bool may_change(Process& target) {
    Process& self = current_process();
    std::uint32_t euid;
    {
        base::ScopedLock guard(self.credentials_lock());
        euid = self.credentials.uids().effective;
    }
    if (capable(self, kCapSysNice)) return true;
    base::ScopedLock guard(target.credentials_lock());
    return target.credentials.uids().real == euid || target.credentials.uids().effective == euid;
}

// The raw syscall returns 20 - nice (1..40), so that no value looks like an error.
Result<long> sys_getpriority(SyscallArgs& a) {
    int best = 20;
    TRY(for_each_named(a.integer(0), a.integer(1), [&](Process& process) -> Result<void> {
        int nice = __atomic_load_n(&process.nice, __ATOMIC_RELAXED);
        if (nice < best) best = nice;
        return {};
    }));
    return 20 - best;
}

Result<long> sys_setpriority(SyscallArgs& a) {
    int nice = a.integer(2);
    nice = nice < -20 ? -20 : nice > 19 ? 19 : nice;
    bool privileged = capable(current_process(), kCapSysNice);
    TRY(for_each_named(a.integer(0), a.integer(1), [&](Process& process) -> Result<void> {
        if (!may_change(process)) return Error::from_errno(EPERM);
        // Lowering the nice value needs CAP_SYS_NICE (RLIMIT_NICE is 0).
        if (nice < __atomic_load_n(&process.nice, __ATOMIC_RELAXED) && !privileged) return Error::from_errno(EACCES);
        __atomic_store_n(&process.nice, nice, __ATOMIC_RELAXED);
        return {};
    }));
    return 0;
}

// The thread a sched_* call names: 0 is the caller, otherwise any tid.
// Runs `use` with the process table locked, which keeps the thread alive.
template <typename F>
Result<long> with_thread(int tid, F&& use) {
    if (tid < 0) return Error::from_errno(EINVAL);
    process::ProcessTable& table = process::process_table();
    base::ScopedLock guard(table.lock());
    Thread* thread = tid == 0 ? &current_thread() : table.find_thread(tid);
    if (!thread) return Error::from_errno(ESRCH);
    return use(*thread);
}

Result<long> sys_sched_setaffinity(SyscallArgs& a) {
    std::uint64_t mask = 0;
    std::uint64_t length = a.size(1);
    TRY(mm::copy_from_user(&mask, a.address(2), length < sizeof mask ? length : sizeof mask));
    if (length < sizeof mask) mask &= (std::uint64_t{1} << (length * 8)) - 1;
    mask &= online_cpus();
    if (a.integer(0) < 0) return Error::from_errno(ESRCH);  // no pid check before the lookup, as Linux
    bool privileged = capable(current_process(), kCapSysNice);
    return with_thread(a.integer(0), [&](Thread& thread) -> Result<long> {
        if (&thread.process() != &current_process() && !privileged && !may_change(thread.process()))
            return Error::from_errno(EPERM);
        if (!mask) return Error::from_errno(EINVAL);
        thread.scheduling.affinity = mask;
        return 0;
    });
}

Result<long> sys_sched_getaffinity(SyscallArgs& a) {
    std::uint64_t size = a.size(1);
    if (size < sizeof(std::uint64_t) || size % sizeof(std::uint64_t)) return Error::from_errno(EINVAL);
    // ESRCH, not EINVAL: glibc and CPython grow the set and retry on EINVAL.
    if (a.integer(0) < 0) return Error::from_errno(ESRCH);
    std::uint64_t mask = TRY(with_thread(a.integer(0), [](Thread& thread) -> Result<long> {
        return static_cast<long>(thread.scheduling.affinity);
    }));
    mask &= online_cpus();
    TRY(mm::write_user(a.address(2), mask));
    return static_cast<long>(sizeof mask);
}

bool is_real_time(int policy) { return policy == kSchedFifo || policy == kSchedRr; }

Result<void> check_policy(int policy, int priority) {
    if (is_real_time(policy)) {
        if (priority < 1 || priority > 99) return Error::from_errno(EINVAL);
    } else if (policy == kSchedOther || policy == kSchedBatch || policy == kSchedIdle || policy == kSchedDeadline) {
        if (priority != 0) return Error::from_errno(EINVAL);
    } else {
        return Error::from_errno(EINVAL);
    }
    return {};
}

Result<long> set_scheduling(int tid, int policy, int priority, bool reset_on_fork) {
    TRY(check_policy(policy, priority));
    // Real-time and deadline policies need CAP_SYS_NICE (RLIMIT_RTPRIO is 0).
    bool privileged = capable(current_process(), kCapSysNice);
    if ((is_real_time(policy) || policy == kSchedDeadline) && !privileged) return Error::from_errno(EPERM);
    return with_thread(tid, [&](Thread& thread) -> Result<long> {
        if (&thread.process() != &current_process() && !privileged && !may_change(thread.process()))
            return Error::from_errno(EPERM);
        // Leaving SCHED_RESET_ON_FORK needs the privilege too.
        if (thread.scheduling.reset_on_fork && !reset_on_fork && !privileged) return Error::from_errno(EPERM);
        thread.scheduling.policy = policy;
        thread.scheduling.priority = priority;
        thread.scheduling.reset_on_fork = reset_on_fork;
        return 0;
    });
}

Result<long> sys_sched_setscheduler(SyscallArgs& a) {
    if (a.integer(0) < 0 || !a.address(2)) return Error::from_errno(EINVAL);
    int priority = TRY(mm::read_user<int>(a.address(2)));
    int policy = a.integer(1);
    return set_scheduling(a.integer(0), policy & ~kResetOnFork, priority, policy & kResetOnFork);
}

Result<long> sys_sched_getscheduler(SyscallArgs& a) {
    return with_thread(a.integer(0), [](Thread& thread) -> Result<long> {
        return thread.scheduling.policy | (thread.scheduling.reset_on_fork ? kResetOnFork : 0);
    });
}

Result<long> sys_sched_setparam(SyscallArgs& a) {
    if (a.integer(0) < 0 || !a.address(1)) return Error::from_errno(EINVAL);
    int priority = TRY(mm::read_user<int>(a.address(1)));
    Thread::Scheduling now{};
    TRY(with_thread(a.integer(0), [&](Thread& thread) -> Result<long> {
        now = thread.scheduling;
        return 0;
    }));
    return set_scheduling(a.integer(0), now.policy, priority, now.reset_on_fork);
}

Result<long> sys_sched_getparam(SyscallArgs& a) {
    if (a.integer(0) < 0 || !a.address(1)) return Error::from_errno(EINVAL);
    int priority = static_cast<int>(TRY(with_thread(a.integer(0), [](Thread& thread) -> Result<long> {
        return thread.scheduling.priority;
    })));
    TRY(mm::write_user(a.address(1), priority));
    return 0;
}

Result<long> sys_sched_priority_max(SyscallArgs& a) {
    int policy = a.integer(0);
    if (is_real_time(policy)) return 99;
    if (policy == kSchedOther || policy == kSchedBatch || policy == kSchedIdle || policy == kSchedDeadline) return 0;
    return Error::from_errno(EINVAL);
}

Result<long> sys_sched_priority_min(SyscallArgs& a) {
    int policy = a.integer(0);
    if (is_real_time(policy)) return 1;
    if (policy == kSchedOther || policy == kSchedBatch || policy == kSchedIdle || policy == kSchedDeadline) return 0;
    return Error::from_errno(EINVAL);
}

// SCHED_RR's time slice is Linux's RR_TIMESLICE (100 ms); the fair
// policies report 0, as Linux does for a task alone on its CPU.
Result<long> sys_sched_rr_get_interval(SyscallArgs& a) {
    int policy = static_cast<int>(TRY(with_thread(a.integer(0), [](Thread& thread) -> Result<long> {
        return thread.scheduling.policy;
    })));
    struct { std::int64_t seconds, nanoseconds; } interval{0, policy == kSchedRr ? 100000000 : 0};
    TRY(mm::write_user(a.address(1), interval));
    return 0;
}

struct SchedAttr {
    std::uint32_t size;
    std::uint32_t policy;
    std::uint64_t flags;
    std::int32_t nice;
    std::uint32_t priority;
    std::uint64_t runtime, deadline, period;
    std::uint32_t util_min, util_max;
};
static_assert(sizeof(SchedAttr) == 56);
constexpr std::uint32_t kSchedAttrSize0 = 48;
constexpr std::uint64_t kSchedFlagResetOnFork = 1;

Result<long> sys_sched_getattr(SyscallArgs& a) {
    std::uint64_t size = a.size(2);
    if (a.integer(0) < 0 || !a.address(1) || size < kSchedAttrSize0 || size > 4096 || a.arg[3])
        return Error::from_errno(EINVAL);
    SchedAttr attr{};
    TRY(with_thread(a.integer(0), [&](Thread& thread) -> Result<long> {
        attr.policy = static_cast<std::uint32_t>(thread.scheduling.policy);
        attr.priority = static_cast<std::uint32_t>(thread.scheduling.priority);
        attr.flags = thread.scheduling.reset_on_fork ? kSchedFlagResetOnFork : 0;
        attr.nice = thread.process().nice;
        return 0;
    }));
    attr.size = static_cast<std::uint32_t>(size < sizeof attr ? size : sizeof attr);
    TRY(mm::copy_to_user(a.address(1), &attr, attr.size));
    return 0;
}

Result<long> sys_sched_setattr(SyscallArgs& a) {
    if (a.integer(0) < 0 || !a.address(1) || a.arg[2]) return Error::from_errno(EINVAL);
    std::uint32_t size = TRY(mm::read_user<std::uint32_t>(a.address(1)));
    if (size == 0) size = kSchedAttrSize0;
    if (size < kSchedAttrSize0 || size > 4096) {
        TRY(mm::write_user(a.address(1), static_cast<std::uint32_t>(sizeof(SchedAttr))));
        return Error::from_errno(E2BIG);
    }
    SchedAttr attr{};
    TRY(mm::copy_from_user(&attr, a.address(1), size < sizeof attr ? size : sizeof attr));
    if (attr.flags & ~std::uint64_t{0x7f}) return Error::from_errno(EINVAL);
    int policy = static_cast<int>(attr.policy);
    if (policy == kSchedOther || policy == kSchedBatch) {
        int nice = attr.nice < -20 ? -20 : attr.nice > 19 ? 19 : attr.nice;
        Process& self = current_process();
        if (nice < self.nice && !capable(self, kCapSysNice)) return Error::from_errno(EPERM);
        TRY(set_scheduling(a.integer(0), policy, static_cast<int>(attr.priority), attr.flags & kSchedFlagResetOnFork));
        TRY(with_thread(a.integer(0), [&](Thread& thread) -> Result<long> {
            __atomic_store_n(&thread.process().nice, nice, __ATOMIC_RELAXED);
            return 0;
        }));
        return 0;
    }
    return set_scheduling(a.integer(0), policy, static_cast<int>(attr.priority), attr.flags & kSchedFlagResetOnFork);
}

// ioprio_get/ioprio_set: class in bits 13-15, level in 0-7.
constexpr int kIoClassNone = 0, kIoClassRealTime = 1, kIoClassIdle = 3;

Result<long> sys_ioprio_set(SyscallArgs& a) {
    int value = a.integer(2);
    // Bits 3-12 are hints, which Linux accepts with any class.
    int io_class = (value >> 13) & 7, level = value & 7;
    if (value < 0 || value > 0xffff || io_class > kIoClassIdle) return Error::from_errno(EINVAL);
    if (io_class == kIoClassRealTime && !capable(current_process(), kCapSysAdmin)) return Error::from_errno(EPERM);
    if (io_class == kIoClassNone && level != 0) return Error::from_errno(EINVAL);
    // IOPRIO_WHO_PROCESS, _PGRP, _USER are 1, 2, 3.
    TRY(for_each_named(a.integer(0) - 1, a.integer(1), [&](Process& process) -> Result<void> {
        if (!may_change(process)) return Error::from_errno(EPERM);
        __atomic_store_n(&process.io_priority, value, __ATOMIC_RELAXED);
        return {};
    }));
    return 0;
}

Result<long> sys_ioprio_get(SyscallArgs& a) {
    int best = -1;
    TRY(for_each_named(a.integer(0) - 1, a.integer(1), [&](Process& process) -> Result<void> {
        int value = __atomic_load_n(&process.io_priority, __ATOMIC_RELAXED);
        // Several processes: the highest priority (lowest class, then level) wins.
        if (best < 0 || (value && (!best || value < best))) best = value;
        return {};
    }));
    return best < 0 ? 0 : best;
}

constexpr SyscallSpec kSpecs[] = {
    {__NR_getpriority, sys_getpriority, "dd"},
    {__NR_setpriority, sys_setpriority, "ddd"},
    {__NR_sched_setaffinity, sys_sched_setaffinity, "dup"},
    {__NR_sched_getaffinity, sys_sched_getaffinity, "dup"},
    {__NR_sched_setscheduler, sys_sched_setscheduler, "ddp"},
    {__NR_sched_getscheduler, sys_sched_getscheduler, "d"},
    {__NR_sched_setparam, sys_sched_setparam, "dp"},
    {__NR_sched_getparam, sys_sched_getparam, "dp"},
    {__NR_sched_get_priority_max, sys_sched_priority_max, "d"},
    {__NR_sched_get_priority_min, sys_sched_priority_min, "d"},
    {__NR_sched_rr_get_interval, sys_sched_rr_get_interval, "dp"},
    {__NR_sched_getattr, sys_sched_getattr, "dpux"},
    {__NR_sched_setattr, sys_sched_setattr, "dpx"},
    {__NR_ioprio_set, sys_ioprio_set, "ddx"},
    {__NR_ioprio_get, sys_ioprio_get, "dd"},
};

}  // namespace

std::span<const SyscallSpec> sched_syscalls() { return kSpecs; }

}  // namespace cella::syscall
