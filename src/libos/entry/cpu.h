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
    // Set by whoever wants this thread's attention (a signal to deliver,
    // the process exiting) before it kicks the host thread; a blocking host
    // call checks it at %gs:kInterruptOffset right before it blocks.
    volatile std::uint8_t interrupt_requested;
    // Nonzero while the thread waits in a blocking host call (a futex
    // wait, a sleep, a poll): /proc shows it sleeping (S) then.
    volatile std::uint8_t blocked;
    std::uint8_t reserved[5];
    std::uint64_t altstack_base;  // where the SIGSYS handler runs
    std::uint64_t altstack_size;
    // Cleared (and futex-woken) by the host kernel when the host thread is
    // gone, so its stacks can be freed.
    volatile std::uint32_t host_thread_alive;
    std::uint32_t reserved2;
    // The direct syscall entry (fast_entry.S): trampolines jump through
    // fast_entry; the application's registers go to the frame on the
    // thread's fast stack; the scratch words carry rsp and rip across the
    // last instructions back; fp_buffer is the thread's XSAVE area,
    // holding the application's FPU state while fp_captured is set.
    std::uint64_t fast_entry;
    std::uint64_t fast_frame;
    std::uint64_t scratch_rsp;
    std::uint64_t scratch_rip;
    std::uint64_t fp_buffer;
    std::uint32_t fp_captured;
    std::uint32_t reserved3;
};
inline constexpr int kInterruptOffset = 17;
static_assert(__builtin_offsetof(ThreadCpu, interrupt_requested) == kInterruptOffset);
inline constexpr int kBlockedOffset = 18;  // blocking.S names it by number
static_assert(__builtin_offsetof(ThreadCpu, blocked) == kBlockedOffset);
// fast_entry.S and the trampolines name these by number.
inline constexpr int kFastEntryOffset = 48;
static_assert(__builtin_offsetof(ThreadCpu, fast_entry) == kFastEntryOffset);
static_assert(__builtin_offsetof(ThreadCpu, fast_frame) == 56);
static_assert(__builtin_offsetof(ThreadCpu, scratch_rsp) == 64);
static_assert(__builtin_offsetof(ThreadCpu, scratch_rip) == 72);
static_assert(__builtin_offsetof(ThreadCpu, fp_buffer) == 80);
static_assert(__builtin_offsetof(ThreadCpu, fp_captured) == 88);

inline ThreadCpu* current_cpu() {
    ThreadCpu* cpu;
    asm volatile("mov %%gs:0, %0" : "=r"(cpu));
    return cpu;
}

inline process::Thread& current_thread() { return *current_cpu()->thread; }

}  // namespace cella::entry
