#pragma once
// Pending signals of a thread or a process. Standard signals (1-31) are
// pending at most once; real-time signals (32-64) queue every instance
// with its siginfo, delivered in order, as on Linux.
#include <cstdint>

#include "libos/base/result.h"
#include "libos/base/vector.h"
#include "siginfo.h"

namespace cella::process {

inline constexpr int kMaxSignal = 64;
inline constexpr int kFirstRealtimeSignal = 32;
inline constexpr std::uint64_t signal_bit(int signal) { return std::uint64_t{1} << (signal - 1); }

class SignalQueue {
public:
    static constexpr std::size_t kMaxQueued = 4096;  // RLIMIT_SIGPENDING

    std::uint64_t pending() const { return pending_; }
    // Instances waiting, each standard signal once (/proc/PID/status's SigQ).
    std::size_t queued() const { return queued_.size(); }
    // EAGAIN when a real-time signal cannot be queued.
    base::Result<void> add(const AppSiginfo& info);
    // The lowest-numbered pending signal not in `blocked`, removed; false if none.
    bool take(std::uint64_t blocked, AppSiginfo& out);
    // Drops every instance of `signal` (it became ignored).
    void discard(int signal);

private:
    std::uint64_t pending_ = 0;
    base::Vector<AppSiginfo> queued_;  // one entry per pending instance, in arrival order
};

}  // namespace cella::process
