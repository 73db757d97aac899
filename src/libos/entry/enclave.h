#pragma once
// Entering and leaving the enclave: the state the host had when it called
// in, and how the LibOS gives the thread back to it with an exit record.
#include "abi/boot.h"
#include "cpu.h"

namespace cella::entry {

// Remembers the host's thread state (fs/gs bases, signal mask, the
// handlers the LibOS replaces) so leave_enclave can put it back.
void save_host_state(abi::ExitRecord* exit_record);
// Installs the LibOS's SIGSYS and fault handlers for the whole host process.
void install_signal_handlers();
// Turns on the LibOS's per-thread state for the calling host thread:
// %gs, the signal stack, Syscall User Dispatch.
void enter_thread(ThreadCpu& cpu);

// Ends the enclave: the host's `cella run` returns with this outcome.
[[noreturn]] void leave_enclave(int exit_code, int term_signal, const char* message);

}  // namespace cella::entry
