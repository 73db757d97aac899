#pragma once
// The direct syscall entry's C++ side (fast_entry.S is the other): a
// rewritten syscall site reaches the dispatcher without a host signal,
// on a frame laid out as the host kernel's signal frame is, so that every
// part of the LibOS sees one kind of trapped state.
#include <cstdint>

#include "cpu.h"
#include "signal_types.h"

extern "C" {
void cella_fast_entry();
extern char cella_fast_exit_window_begin[];
extern char cella_fast_exit_window_last[];
extern char cella_fast_xrstor[];
void cella_fast_syscall(cella::entry::KernelUcontext* context);
void cella_fast_interrupted(cella::entry::KernelUcontext* context);
}

namespace cella::entry {

// Learns from a frame the host kernel built (any SIGSYS) what a frame made
// here must carry: the fast entry is usable once one has been seen.
void note_host_frame(const KernelUcontext& context);
bool fast_entry_ready();
// Points the thread's ThreadCpu at its fast stack, frame and XSAVE area
// (the upper half of its LibOS stacks allocation).
void setup_fast_entry(ThreadCpu& cpu);
// Saves the application's FPU state into the thread's XSAVE area and
// points the frame at it; the way back restores it from there.
void capture_fpstate(KernelUcontext& context);

// Whether `rip` lies in the last stretch of the way back, where a kick
// must send the thread back to look again.
inline bool in_fast_exit_window(std::uint64_t rip) {
    return rip >= reinterpret_cast<std::uint64_t>(cella_fast_exit_window_begin) &&
           rip <= reinterpret_cast<std::uint64_t>(cella_fast_exit_window_last);
}

}  // namespace cella::entry
