#pragma once
// A signal's disposition and a thread's alternate signal stack, in the
// layouts the application passes to rt_sigaction and sigaltstack.
#include <cstdint>

namespace cella::process {

// What rt_sigaction stores for one signal, in the kernel's layout.
struct SignalAction {
    std::uint64_t handler = 0;  // SIG_DFL
    std::uint64_t flags = 0;
    std::uint64_t restorer = 0;
    std::uint64_t mask = 0;
};

// sigaltstack() state, in stack_t's layout.
struct AppSignalStack {
    std::uint64_t sp = 0;
    int flags = 2;  // SS_DISABLE
    int pad = 0;
    std::uint64_t size = 0;
};

inline constexpr int kSsOnStack = 1;
inline constexpr int kSsDisable = 2;
inline constexpr int kSsAutoDisarm = 1 << 31;

}  // namespace cella::process
