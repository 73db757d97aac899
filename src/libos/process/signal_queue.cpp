#include "signal_queue.h"

#include <asm-generic/errno.h>

namespace cella::process {

base::Result<void> SignalQueue::add(const AppSiginfo& info) {
    int signal = info.signo;
    if (signal < kFirstRealtimeSignal && (pending_ & signal_bit(signal))) return {};  // already pending: merged
    if (queued_.size() >= kMaxQueued) return base::Error::from_errno(EAGAIN);
    TRY(queued_.try_append(info));
    pending_ |= signal_bit(signal);
    return {};
}

bool SignalQueue::take(std::uint64_t blocked, AppSiginfo& out) {
    std::uint64_t ready = pending_ & ~blocked;
    if (!ready) return false;
    int signal = __builtin_ctzll(ready) + 1;
    bool more = false;
    bool taken = false;
    for (std::size_t i = 0; i < queued_.size();) {
        if (queued_[i].signo != signal) {
            ++i;
            continue;
        }
        if (!taken) {
            out = queued_[i];
            queued_.remove(i);
            taken = true;
        } else {
            more = true;
            break;
        }
    }
    if (!more) pending_ &= ~signal_bit(signal);
    return taken;
}

void SignalQueue::discard(int signal) {
    for (std::size_t i = 0; i < queued_.size();) {
        if (queued_[i].signo == signal)
            queued_.remove(i);
        else
            ++i;
    }
    pending_ &= ~signal_bit(signal);
}

}  // namespace cella::process
