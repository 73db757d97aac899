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
