#pragma once
// timerfd: a timer read as a file. Each expiry (counted by the timer
// service, periods missed while late included) adds to a count that read
// returns and clears; poll sees it readable while the count is not 0.
#include <cstdint>

#include "libos/fs/open_file.h"
#include "libos/time/timers.h"
#include "waitable.h"

namespace cella::ipc {

class TimerFd final : public fs::OpenFile {
public:
    // `clock` is checked by the caller.
    static base::Result<base::RefPtr<TimerFd>> create(int clock, int flags);
    ~TimerFd() override;

    // timerfd_settime: TFD_TIMER_ABSTIME in `absolute`; clears the count.
    base::Result<time::Interval> set(bool absolute, const time::Interval& value);
    time::Interval get();

    base::Result<std::size_t> read(std::span<std::uint8_t> out) override;
    base::Result<fs::FileStat> stat() override;
    // TFD_IOC_SET_TICKS.
    base::Result<long> ioctl(unsigned long request, std::uint64_t arg) override;
    std::uint32_t poll_events() override;
    Waitable* waitable() override;
    fs::FileKind kind() const override { return fs::FileKind::TimerFd; }

    class Expiries;
    TimerFd(int clock, int flags, base::RefPtr<Expiries> expiries);

private:
    int clock_;
    base::RefPtr<Expiries> expiries_;
};

}  // namespace cella::ipc
