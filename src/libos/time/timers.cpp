#include "timers.h"

#include <asm-generic/errno.h>
#include <asm/signal.h>

#include "cpu_clocks.h"
#include "libos/base/global.h"
#include "libos/base/lock.h"
#include "libos/base/vector.h"
#include "libos/host/host.h"
#include "libos/process/current.h"
#include "libos/process/process_table.h"
#include "libos/process/signals.h"
#include "libos/runtime/service_thread.h"

namespace cella::time {
namespace {

using base::Error;
using base::Result;

constexpr int kClockRealtime = 0, kClockMonotonic = 1, kClockProcessCputime = 2, kClockThreadCputime = 3,
              kClockBoottime = 7, kClockRealtimeAlarm = 8, kClockBoottimeAlarm = 9, kClockTai = 11;
constexpr int kSigevSignal = 0, kSigevNone = 1, kSigevThreadId = 4;
constexpr int kItimerReal = 0, kItimerVirtual = 1, kItimerProf = 2;
constexpr std::int64_t kCpuPollNs = 5 * 1000 * 1000;
constexpr int kMaxTimersPerProcess = 4096;

enum class Base { Monotonic, ProcessCpu, ThreadCpu };

struct Timer {
    int pid;
    int id;  // POSIX timer id, or -1 - which for an itimer
    Base base;
    int clock = 1;            // the clock an absolute time is given on
    int cpu_thread = 0;       // Base::ThreadCpu: the tid whose CPU time counts
    std::int64_t due = 0;     // on its base's clock; 0 = disarmed
    std::int64_t interval = 0;
    TimerEvent event{};
    int overrun = 0;
    base::RefPtr<TimerListener> listener;  // instead of a signal; pid is 0
};

struct TimerTable {
    base::Mutex lock;
    base::Vector<Timer> timers;
};
base::Global<TimerTable> g_table;

TimerTable& table() {
    if (!g_table.is_constructed()) g_table.construct();
    return g_table.get();
}

std::int64_t monotonic_now() {
    std::int64_t s = 0, ns = 0;
    (void)host::clock_gettime(kClockMonotonic, s, ns);
    return s * 1000000000 + ns;
}

std::int64_t base_now(const Timer& timer) {
    switch (timer.base) {
    case Base::Monotonic: return monotonic_now();
    case Base::ProcessCpu: {
        base::RefPtr<process::Process> process = process::process_table().find_process(timer.pid);
        return process ? process_cpu_ns(*process) : 0;
    }
    case Base::ThreadCpu: {
        process::ProcessTable& processes = process::process_table();
        base::ScopedLock guard(processes.lock());
        process::Thread* thread = processes.find_thread(timer.cpu_thread);
        return thread ? thread_cpu_ns(*thread).value_or(0) : 0;
    }
    }
    return 0;
}

Timer* find(TimerTable& t, int pid, int id) {
    for (Timer& timer : t.timers)
        if (timer.pid == pid && timer.id == id) return &timer;
    return nullptr;
}

Interval remaining(const Timer& timer) {
    if (!timer.due) return {0, timer.interval};
    std::int64_t left = timer.due - base_now(timer);
    return {left > 0 ? left : 1, timer.interval};
}

void fire(const Timer& timer) {
    if (timer.listener) {
        timer.listener->expired(1 + static_cast<std::uint64_t>(timer.overrun));
        return;
    }
    if (timer.event.notify == kSigevNone) return;
    base::RefPtr<process::Process> process = process::process_table().find_process(timer.pid);
    if (!process) return;
    process::AppSiginfo info =
        timer.id >= 0 ? process::timer_siginfo(timer.event.signal, timer.id, timer.overrun, timer.event.value)
                      : process::kill_siginfo(timer.event.signal, process::kSiKernel, 0);
    if (timer.event.notify == kSigevThreadId) {
        process::ProcessTable& processes = process::process_table();
        processes.lock().lock();
        process::Thread* thread = processes.find_thread(timer.event.thread_id);
        if (thread && &thread->process() == process.get()) {
            processes.lock().unlock();
            (void)process::send_to_thread(*thread, info);
            return;
        }
        processes.lock().unlock();
    }
    (void)process::send_to_process(*process, info);
}

Result<Base> base_of(int clock, int& cpu_thread) {
    switch (clock) {
    case kClockRealtime:
    case kClockMonotonic:
    case kClockBoottime:
    case kClockRealtimeAlarm:
    case kClockBoottimeAlarm:
    case kClockTai: return Base::Monotonic;
    case kClockProcessCputime: return Base::ProcessCpu;
    case kClockThreadCputime: cpu_thread = process::current_thread().tid(); return Base::ThreadCpu;
    default: {
        CpuClock cpu;
        if (!decode_cpu_clock(clock, cpu)) return Error::from_errno(EINVAL);
        if (cpu.per_thread) {
            cpu_thread = cpu.id ? cpu.id : process::current_thread().tid();
            return Base::ThreadCpu;
        }
        return Base::ProcessCpu;
    }
    }
}

// Arms or disarms; the service thread recomputes its sleep.
void arm(Timer& timer, std::int64_t value, std::int64_t interval) {
    timer.interval = interval;
    timer.overrun = 0;
    timer.due = value ? base_now(timer) + value : 0;
    runtime::wake_service_thread();
}

// Arms for an absolute time on the timer's own clock, or a relative one.
void arm_at(Timer& timer, bool absolute, const Interval& value) {
    std::int64_t relative = value.value_ns;
    if (absolute && relative) {
        // How far away the time is now.
        std::int64_t s = 0, ns = 0;
        std::int64_t now = base_now(timer);
        if (timer.base == Base::Monotonic && !host::clock_gettime(timer.clock, s, ns).is_error())
            now = s * 1000000000 + ns;
        relative = value.value_ns - now;
        if (relative <= 0) relative = 1;
    }
    arm(timer, relative, relative ? value.interval_ns : 0);
}

Timer* find_listener(TimerTable& t, const TimerListener& listener) {
    for (Timer& timer : t.timers)
        if (timer.listener.get() == &listener) return &timer;
    return nullptr;
}

}  // namespace

base::Result<Interval> set_itimer(process::Process& process, int which, const Interval* value) {
    if (which != kItimerReal && which != kItimerVirtual && which != kItimerProf) return Error::from_errno(EINVAL);
    TimerTable& t = table();
    base::ScopedLock guard(t.lock);
    Timer* timer = find(t, process.pid(), -1 - which);
    if (!timer) {
        Timer fresh{process.pid(), -1 - which, which == kItimerReal ? Base::Monotonic : Base::ProcessCpu,
                    which == kItimerReal ? kClockMonotonic : kClockProcessCputime};
        fresh.event = {kSigevSignal, which == kItimerReal ? SIGALRM : which == kItimerVirtual ? SIGVTALRM : SIGPROF, 0, 0};
        TRY(t.timers.try_append(fresh));
        timer = &t.timers.last();
    }
    Interval old = remaining(*timer);
    if (value) arm(*timer, value->value_ns, value->value_ns ? value->interval_ns : 0);
    return old;
}

base::Result<int> create_timer(process::Process& process, int clock, const TimerEvent& event) {
    int cpu_thread = 0;
    Base base = TRY(base_of(clock, cpu_thread));
    if (event.notify != kSigevNone && event.notify != kSigevSignal && event.notify != kSigevThreadId)
        return Error::from_errno(EINVAL);
    if (event.notify != kSigevNone && (event.signal < 1 || event.signal > process::kMaxSignal))
        return Error::from_errno(EINVAL);
    TimerTable& t = table();
    base::ScopedLock guard(t.lock);
    int id = 0;
    while (find(t, process.pid(), id)) ++id;
    if (id >= kMaxTimersPerProcess) return Error::from_errno(EAGAIN);
    Timer timer{process.pid(), id, base, clock, cpu_thread};
    timer.event = event;
    TRY(t.timers.try_append(timer));
    return id;
}

base::Result<Interval> set_timer(process::Process& process, int id, bool absolute, const Interval& value) {
    TimerTable& t = table();
    base::ScopedLock guard(t.lock);
    Timer* timer = id >= 0 ? find(t, process.pid(), id) : nullptr;
    if (!timer) return Error::from_errno(EINVAL);
    Interval old = remaining(*timer);
    arm_at(*timer, absolute, value);
    return old;
}

base::Result<Interval> set_listener_timer(TimerListener& listener, int clock, bool absolute, const Interval& value) {
    TimerTable& t = table();
    base::ScopedLock guard(t.lock);
    Timer* timer = find_listener(t, listener);
    if (!timer) {
        if (!value.value_ns) return Interval{0, 0};
        int cpu_thread = 0;
        Base base = TRY(base_of(clock, cpu_thread));
        if (base != Base::Monotonic) return Error::from_errno(EINVAL);
        Timer fresh{0, -1000, base, clock};
        fresh.listener = base::RefPtr<TimerListener>(&listener);
        TRY(t.timers.try_append(static_cast<Timer&&>(fresh)));
        timer = &t.timers.last();
    }
    Interval old = remaining(*timer);
    arm_at(*timer, absolute, value);
    return old;
}

Interval listener_timer_remaining(TimerListener& listener) {
    TimerTable& t = table();
    base::ScopedLock guard(t.lock);
    Timer* timer = find_listener(t, listener);
    return timer ? remaining(*timer) : Interval{0, 0};
}

void remove_listener_timer(TimerListener& listener) {
    base::RefPtr<TimerListener> last;  // dropped after the lock
    TimerTable& t = table();
    base::ScopedLock guard(t.lock);
    for (std::size_t i = 0; i < t.timers.size(); ++i) {
        if (t.timers[i].listener.get() == &listener) {
            last = static_cast<base::RefPtr<TimerListener>&&>(t.timers[i].listener);
            t.timers.remove(i);
            return;
        }
    }
}

base::Result<Interval> get_timer(process::Process& process, int id) {
    TimerTable& t = table();
    base::ScopedLock guard(t.lock);
    Timer* timer = id >= 0 ? find(t, process.pid(), id) : nullptr;
    if (!timer) return Error::from_errno(EINVAL);
    return remaining(*timer);
}

base::Result<int> timer_overrun(process::Process& process, int id) {
    TimerTable& t = table();
    base::ScopedLock guard(t.lock);
    Timer* timer = id >= 0 ? find(t, process.pid(), id) : nullptr;
    if (!timer) return Error::from_errno(EINVAL);
    return timer->overrun;
}

base::Result<void> delete_timer(process::Process& process, int id) {
    TimerTable& t = table();
    base::ScopedLock guard(t.lock);
    for (std::size_t i = 0; i < t.timers.size(); ++i) {
        if (id >= 0 && t.timers[i].pid == process.pid() && t.timers[i].id == id) {
            t.timers.remove(i);
            return {};
        }
    }
    return Error::from_errno(EINVAL);
}

void remove_timers(process::Process& process) {
    TimerTable& t = table();
    base::ScopedLock guard(t.lock);
    for (std::size_t i = 0; i < t.timers.size();) {
        if (t.timers[i].pid == process.pid())
            t.timers.remove(i);
        else
            ++i;
    }
}

std::int64_t fire_due_timers() {
    TimerTable& t = table();
    base::Vector<Timer> due;
    std::int64_t wait = -1;
    {
        base::ScopedLock guard(t.lock);
        for (Timer& timer : t.timers) {
            if (!timer.due) continue;
            std::int64_t now = base_now(timer);
            if (now >= timer.due) {
                if (timer.interval) {
                    // Periods missed while late count as overruns.
                    std::int64_t missed = (now - timer.due) / timer.interval;
                    timer.overrun = static_cast<int>(missed > 0x7fffffff ? 0x7fffffff : missed);
                    timer.due += (missed + 1) * timer.interval;
                } else {
                    timer.due = 0;
                }
                (void)due.try_append(timer);
            }
            if (timer.due) {
                std::int64_t left = timer.base == Base::Monotonic ? timer.due - now : kCpuPollNs;
                if (left < kCpuPollNs && timer.base != Base::Monotonic) left = kCpuPollNs;
                if (wait < 0 || left < wait) wait = left;
            }
        }
    }
    // Signals go out without the table lock: sending takes process locks.
    for (const Timer& timer : due) fire(timer);
    return wait;
}

}  // namespace cella::time
