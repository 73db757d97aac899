#pragma once
// Raising signals within the calling process, and what happens to them.
// Until signal frames are built on the application stack (the threads and
// signals issue), a signal that reaches a handler is not delivered:
// raising it fails with ENOSYS and a debug log line. Signals at their
// default action behave as on Linux, including staying pending while
// blocked and taking effect when unblocked.
#include <cstdint>

#include "libos/base/result.h"
#include "process.h"

namespace cella::process {

inline constexpr std::uint64_t signal_bit(int signal) { return std::uint64_t{1} << (signal - 1); }

base::Result<void> raise_signal(Thread& thread, int signal);
// After the thread's mask or a disposition changed: acts on pending signals
// that are no longer blocked.
void deliver_pending(Thread& thread);

}  // namespace cella::process
