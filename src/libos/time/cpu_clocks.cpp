#include "cpu_clocks.h"

#include <asm-generic/errno.h>

#include "libos/entry/cpu.h"
#include "libos/host/host.h"
#include "libos/process/current.h"
#include "libos/process/process_table.h"

namespace cella::time {
namespace {

constexpr int kClockProcessCputime = 2;
constexpr int kClockThreadCputime = 3;

// a * b / c without overflow, for b <= c (so the quotient fits), in one
// mulq/divq: a 128-bit division would need libgcc.
std::uint64_t scale(std::uint64_t a, std::uint64_t b, std::uint64_t c) {
    std::uint64_t low, high, quotient, remainder;
    asm("mulq %3" : "=a"(low), "=d"(high) : "a"(a), "rm"(b) : "cc");
    asm("divq %4" : "=a"(quotient), "=d"(remainder) : "a"(low), "d"(high), "rm"(c) : "cc");
    return quotient;
}

}  // namespace

base::Result<std::int64_t> thread_cpu_ns(process::Thread& thread) {
    if (entry::current_cpu()->thread == &thread) {
        std::int64_t seconds = 0, nanoseconds = 0;
        TRY(host::clock_gettime(kClockThreadCputime, seconds, nanoseconds));
        return seconds * 1000000000 + nanoseconds;
    }
    if (!thread.host_tid) return std::int64_t{0};
    return host::thread_cpu_time_ns(thread.host_tid);
}

std::int64_t process_cpu_ns(process::Process& process) {
    std::int64_t total = __atomic_load_n(&process.ended_threads_cpu_ns, __ATOMIC_RELAXED);
    process.for_each_thread([&](process::Thread& thread) { total += thread_cpu_ns(thread).value_or(0); });
    return total;
}

base::Result<CpuTimes> thread_cpu_times(process::Thread& thread) {
    bool self = entry::current_cpu()->thread == &thread;
    if (!self && !thread.host_tid) return CpuTimes{};
    std::int64_t total = TRY(thread_cpu_ns(thread));
    std::int64_t user = 0, system = 0;
    TRY(host::thread_user_system_ns(self ? 0 : thread.host_tid, user, system));
    CpuTimes times;
    if (user + system == 0) {
        times.user_ns = total;  // no tick sampled yet: all user time, as Linux
    } else {
        times.system_ns = static_cast<std::int64_t>(scale(static_cast<std::uint64_t>(total),
                                                          static_cast<std::uint64_t>(system),
                                                          static_cast<std::uint64_t>(user + system)));
        times.user_ns = total - times.system_ns;
    }
    return times;
}

CpuTimes process_cpu_times(process::Process& process) {
    CpuTimes times;
    std::int64_t ended = __atomic_load_n(&process.ended_threads_cpu_ns, __ATOMIC_RELAXED);
    times.system_ns = __atomic_load_n(&process.ended_threads_system_ns, __ATOMIC_RELAXED);
    times.user_ns = ended > times.system_ns ? ended - times.system_ns : 0;
    process.for_each_thread([&](process::Thread& thread) {
        CpuTimes one = thread_cpu_times(thread).value_or(CpuTimes{});
        times.user_ns += one.user_ns;
        times.system_ns += one.system_ns;
    });
    return times;
}

bool decode_cpu_clock(int clock, CpuClock& out) {
    if (clock >= 0) return false;
    int type = clock & 3;
    if (type == 3) return false;  // CPUCLOCK_MAX: invalid
    out.per_thread = clock & 4;
    out.id = ~(clock >> 3);
    return true;
}

base::Result<std::int64_t> clock_now_ns(int clock) {
    process::Thread& self = process::current_thread();
    if (clock == kClockProcessCputime) return process_cpu_ns(self.process());
    if (clock == kClockThreadCputime) return thread_cpu_ns(self);
    CpuClock cpu;
    if (decode_cpu_clock(clock, cpu)) {
        process::ProcessTable& table = process::process_table();
        if (cpu.per_thread) {
            if (cpu.id == 0) return thread_cpu_ns(self);
            base::ScopedLock guard(table.lock());
            process::Thread* thread = table.find_thread(cpu.id);
            if (!thread || &thread->process() != &self.process()) return base::Error::from_errno(EINVAL);
            return thread_cpu_ns(*thread);
        }
        if (cpu.id == 0) return process_cpu_ns(self.process());
        base::RefPtr<process::Process> target = table.find_process(cpu.id);
        if (!target) return base::Error::from_errno(EINVAL);
        return process_cpu_ns(*target);
    }
    std::int64_t seconds = 0, nanoseconds = 0;
    TRY(host::clock_gettime(clock, seconds, nanoseconds));
    return seconds * 1000000000 + nanoseconds;
}

}  // namespace cella::time
