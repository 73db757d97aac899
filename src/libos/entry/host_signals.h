#pragma once
// Host signals the LibOS uses between its own threads, and the host mask
// of a thread running application code.
#include <asm/signal.h>

#include <cstdint>

namespace cella::entry {

// Sent to a thread that must look at its signals or exit now.
inline constexpr int kKickSignal = 64;
// Wakes the service thread (a timer was armed or the enclave ends).
inline constexpr int kServiceWakeSignal = 63;

constexpr std::uint64_t host_signal_bit(int signal) { return std::uint64_t{1} << (signal - 1); }

// Signals that arrive synchronously from what a thread does; the LibOS
// never blocks them (the kernel would kill the process rather than wait).
inline constexpr std::uint64_t kSynchronousSignals = host_signal_bit(SIGSEGV) | host_signal_bit(SIGBUS) |
                                                     host_signal_bit(SIGFPE) | host_signal_bit(SIGILL) |
                                                     host_signal_bit(SIGTRAP) | host_signal_bit(SIGSYS);

// While application code runs: everything blocked but syscall traps,
// faults and kicks. Signals from outside (SIGINT, SIGTERM, ...) wait for
// the service thread, which takes them with sigtimedwait.
inline constexpr std::uint64_t kApplicationHostMask = ~(kSynchronousSignals | host_signal_bit(kKickSignal));

}  // namespace cella::entry
