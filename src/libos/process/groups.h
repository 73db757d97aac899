#pragma once
// Process groups and sessions (job control), with Linux's rules.
#include "libos/base/result.h"
#include "process.h"

namespace cella::process {

// The process `pid` names for getpgid/getsid (0: the caller).
base::Result<base::RefPtr<Process>> process_for_query(Process& caller, int pid);
// setpgid: the caller or one of its children joins or makes a group in its session.
base::Result<void> set_process_group(Process& caller, int pid, int pgid);
// setsid: the caller leads a new session and group (EPERM for a group leader).
base::Result<int> new_session(Process& caller);

}  // namespace cella::process
