#pragma once
// Entering and leaving the enclave: the state the host had when it called
// in, and how the LibOS gives the thread back to it with an exit record.
#include "abi/boot.h"
#include "cpu.h"

#include <cstddef>

namespace cella::entry {

// Remembers the host's thread state (fs/gs bases, signal mask, the
// handlers the LibOS replaces) so leave_enclave can put it back.
void save_host_state(abi::ExitRecord* exit_record);
// Size of each thread's LibOS signal stack (where its syscalls are served).
inline constexpr std::size_t kLibosSignalStackSize = 64 * 1024;
// One allocation per thread holds the signal stack and, above it, the
// stack of the direct syscall entry (fast_syscall.h).
inline constexpr std::size_t kLibosStackAllocation = 2 * kLibosSignalStackSize;

// Installs the LibOS's SIGSYS, kick and fault handlers for the host process.
void install_signal_handlers();
// Turns on the LibOS's per-thread state for the calling host thread:
// %gs, the signal stack (allocated here unless the thread's creator did,
// and installs it itself), Syscall User Dispatch.
void enter_thread(ThreadCpu& cpu, bool allocate_altstack = true);
// The host signal mask of a thread running application code.
void use_application_mask();

// Ends the enclave: the host's `cella run` returns with this outcome.
[[noreturn]] void leave_enclave(int exit_code, int term_signal, const char* message);

}  // namespace cella::entry
