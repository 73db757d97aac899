#pragma once
// Interval timers (setitimer, alarm) and POSIX timers (timer_create ...),
// served by the LibOS service thread, which sleeps until the next
// expiry. Timers on CPU-time clocks are checked every few milliseconds
// while one is armed.
#include <cstdint>

#include "libos/base/own_ptr.h"
#include "libos/base/result.h"
#include "libos/process/process.h"

namespace cella::time {

struct Interval {
    std::int64_t value_ns;     // time to the next expiry, 0 = disarmed
    std::int64_t interval_ns;  // period, 0 = one-shot
};

// setitimer/getitimer: which = ITIMER_REAL, ITIMER_VIRTUAL, ITIMER_PROF.
base::Result<Interval> set_itimer(process::Process& process, int which, const Interval* value);

// POSIX timers. notify: SIGEV_SIGNAL, SIGEV_NONE or SIGEV_THREAD_ID.
struct TimerEvent {
    int notify;
    int signal;
    std::uint64_t value;  // sigval
    int thread_id;        // SIGEV_THREAD_ID
};
base::Result<int> create_timer(process::Process& process, int clock, const TimerEvent& event);
base::Result<Interval> set_timer(process::Process& process, int id, bool absolute, const Interval& value);
base::Result<Interval> get_timer(process::Process& process, int id);
base::Result<int> timer_overrun(process::Process& process, int id);
base::Result<void> delete_timer(process::Process& process, int id);

// A timer whose expiries go to a listener instead of a signal (timerfd).
class TimerListener : public base::RefCounted<TimerListener> {
public:
    virtual ~TimerListener() = default;
    // On the service thread, without the table's lock: `count` expiries
    // passed (1 plus the periods missed while late).
    virtual void expired(std::uint64_t count) = 0;
};
// Arms (value.value_ns != 0) or disarms the listener's timer on `clock`
// (CLOCK_REALTIME, MONOTONIC, BOOTTIME or their _ALARM forms); returns
// what was left of it before.
base::Result<Interval> set_listener_timer(TimerListener& listener, int clock, bool absolute, const Interval& value);
Interval listener_timer_remaining(TimerListener& listener);
void remove_listener_timer(TimerListener& listener);

// The process is gone: its timers with it.
void remove_timers(process::Process& process);

// For the service thread: fires what is due; returns nanoseconds until the
// next expiry to wait for (-1: none).
std::int64_t fire_due_timers();

}  // namespace cella::time
