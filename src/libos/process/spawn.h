#pragma once
// New processes, as programs make them in one address space: vfork() and
// clone(CLONE_VM [| CLONE_VFORK]) — glibc's and musl's posix_spawn,
// system(), Python's subprocess. The child is a new process with a copy of
// its parent's fds, signal actions, cwd, process group and session; it
// runs on its parent's memory until it calls execve or exits, and with
// CLONE_VFORK its parent's thread waits until then.
#include "libos/base/result.h"
#include "libos/entry/signal_types.h"
#include "process.h"
#include "threads.h"

namespace cella::process {

// Returns the child's pid (to the parent; the child starts at the same
// place with rax = 0). request.flags carries the exit signal in its low byte.
base::Result<int> spawn_process(Thread& parent, const entry::KernelUcontext& context, const CloneRequest& request);

// The child no longer runs on its parent's memory (execve, exit): a
// parent waiting in vfork goes on.
void release_vfork_parent(Process& child);

}  // namespace cella::process
