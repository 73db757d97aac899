#pragma once
// The few services the base library needs from beneath it. The LibOS
// implements them with raw host syscalls; host-side builds with libc.
#include <cstdint>

namespace cella::base::platform {

// Blocks while *word == expected (a spurious return is allowed).
void futex_wait(std::uint32_t* word, std::uint32_t expected);
void futex_wake(std::uint32_t* word, int count);
void cpu_relax();

}  // namespace cella::base::platform
