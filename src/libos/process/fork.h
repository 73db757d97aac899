#pragma once
// fork() and clone() without CLONE_VM. One address space cannot give a
// child a copy of its parent's memory (DESIGN.md section 2), so by default
// they fail with ENOSYS. With process.fork = "sequential" in cella.json a
// fork runs the child on its parent's memory while the parent waits, as a
// vfork does, and gives the parent its memory back as it was at the fork
// (mm/fork_snapshot.h) when the child execs or exits. That is what shells
// need: they fork to exec, or run a builtin, a subshell or a command
// substitution in the child and exit. The limits: a process with more than
// one thread cannot fork; the parent runs again only once the child has
// exec'd or exited, so a background subshell runs to its end before its
// shell goes on, and a child that waits for its parent never ends.
#include "libos/base/result.h"
#include "libos/entry/signal_types.h"
#include "process.h"
#include "threads.h"

namespace cella::process {

// Returns the child's pid, once the child has exec'd or exited. `how`
// names the call for the log ("fork", "clone without CLONE_VM").
base::Result<int> fork_process(Thread& parent, const entry::KernelUcontext& context, const CloneRequest& request,
                               const char* how);

// At the child's execve or exit, before its memory goes: the parent's
// memory as it was at the fork.
void return_parent_memory(Process& child);

}  // namespace cella::process
