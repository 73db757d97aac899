#pragma once
// Per-thread LibOS state, reached through %gs: applications own %fs (their
// TLS and stack canary) but x86-64 Linux programs never use %gs, so the
// LibOS finds its thread without touching the application's registers.
#include <cstdint>

namespace cella::process {
class Thread;
}

namespace cella::entry {

struct ThreadCpu {
    ThreadCpu* self;  // %gs:0, so current_cpu() is one load
    process::Thread* thread;
    // Syscall User Dispatch selector: nonzero while application code runs.
    volatile std::uint8_t sud_selector;
    std::uint8_t reserved[7];
    std::uint64_t altstack_base;  // where the SIGSYS handler runs
    std::uint64_t altstack_size;
};

inline ThreadCpu* current_cpu() {
    ThreadCpu* cpu;
    asm volatile("mov %%gs:0, %0" : "=r"(cpu));
    return cpu;
}

inline process::Thread& current_thread() { return *current_cpu()->thread; }

}  // namespace cella::entry
