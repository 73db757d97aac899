#pragma once
// A broken LibOS invariant is unrecoverable: panic() reports where and stops.
// The LibOS and the host-side unit tests each provide their own definition.

namespace cella::base {

[[noreturn]] void panic(const char* message, const char* file, int line);

}  // namespace cella::base

#define CELLA_PANIC(msg) ::cella::base::panic((msg), __FILE__, __LINE__)
#define CELLA_ASSERT(cond)                                   \
    do {                                                     \
        if (!(cond)) [[unlikely]]                            \
            ::cella::base::panic("assertion failed: " #cond, \
                                 __FILE__, __LINE__);        \
    } while (0)
