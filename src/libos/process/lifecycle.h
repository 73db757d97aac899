#pragma once
// How processes end.
#include "process.h"
#include "siginfo.h"

namespace cella::process {

// exit_group(): the process ends with `status`. The first process ending
// ends the enclave, and `cella run` exits with its status.
[[noreturn]] void exit_process(Process& process, int status);
// The process is ended by `signal` (its default action), as `kill -N` would.
[[noreturn]] void kill_process(Process& process, int signal);
// The same for a fault, whose address and thread the report names.
[[noreturn]] void kill_process_at(Process& process, int signal, const AppSiginfo& info);

}  // namespace cella::process
