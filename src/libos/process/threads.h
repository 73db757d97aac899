#pragma once
// Application threads: each is a host thread the LibOS starts with its own
// raw clone, with its LibOS signal stack, %gs and Syscall User Dispatch on
// before the first application instruction; and how threads, processes and
// finally the enclave end.
#include <cstdint>

#include "libos/base/result.h"
#include "libos/entry/signal_types.h"
#include "process.h"

namespace cella::process {

struct CloneRequest {
    std::uint64_t flags;
    std::uint64_t stack;       // new stack pointer, 0 = the caller's
    std::uint64_t parent_tid;  // CLONE_PARENT_SETTID
    std::uint64_t child_tid;   // CLONE_CHILD_SETTID / CLONE_CHILD_CLEARTID
    std::uint64_t tls;         // CLONE_SETTLS
};

// Boot: the first thread is the host thread that entered the enclave.
void init_threads(Thread& first, std::uint32_t max_threads);

// clone()/clone3() of a thread: starts it at the caller's return address
// with the caller's registers, rax = 0. Returns the new tid.
base::Result<int> create_thread(Thread& parent, const entry::KernelUcontext& context, const CloneRequest& request);

// The first thread of a new process (tid = its pid), or another thread of
// `process`: starts like create_thread's.
base::Result<void> start_thread(Thread& parent, Process& process, int tid, const entry::KernelUcontext& context,
                                const CloneRequest& request);

// SYS_exit: the thread ends; the last thread ends its process.
[[noreturn]] void exit_thread(Thread& thread, int status);
// The thread's process is exiting (exit_group or a fatal signal).
[[noreturn]] void exit_thread_for_group(Thread& thread);

// Ends the process: every thread stops, `status` or `term_signal` is its
// outcome, and `message` (may be empty) is reported when the enclave ends.
[[noreturn]] void end_process(Process& process, int status, int term_signal, const char* message);

std::uint32_t live_thread_count();

}  // namespace cella::process
