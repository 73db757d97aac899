#pragma once
// Loading a program into a process: ELF executables (PIE and static-pie
// anywhere in the user range, ET_EXEC at their own addresses), their
// PT_INTERP, `#!` scripts, and the Linux initial stack.
#include <cstdint>
#include <string_view>

#include "libos/base/string.h"
#include "libos/base/vector.h"
#include "process.h"

namespace cella::process {

struct ExecRequest {
    base::String path;
    base::Vector<base::String> argv;
    base::Vector<base::String> envp;
};

struct StartState {
    std::uint64_t entry;
    std::uint64_t stack_pointer;
};

// What the host told us about the machine, for the auxiliary vector.
struct MachineInfo {
    std::uint64_t vdso_base = 0;
    std::uint64_t hwcap = 0;
    std::uint64_t hwcap2 = 0;
    std::uint64_t clock_ticks = 100;
    std::uint64_t min_signal_stack = 2048;
    std::uint64_t default_stack_size = 8 << 20;
    std::uint64_t default_heap_size = 32 << 20;
    bool sequential_fork = false;  // fork runs the child on a snapshot of its parent's memory (fork.h)
};
void set_machine_info(const MachineInfo& info);
const MachineInfo& machine_info();

// Replaces the process's memory with the program; on failure a one-line
// reason is left in `why` (for the host's message). `committed` (when
// given) tells whether the old image was already gone when it failed.
base::Result<StartState> exec(Process& process, ExecRequest request, char* why, std::size_t why_size,
                              bool* committed = nullptr);

}  // namespace cella::process
