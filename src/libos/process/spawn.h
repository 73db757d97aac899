#pragma once
// New processes, as programs make them in one address space: vfork() and
// clone(CLONE_VM [| CLONE_VFORK]) — glibc's and musl's posix_spawn,
// system(), Python's subprocess. The child is a new process with a copy of
// its parent's fds, signal actions, cwd, process group and session; it
// runs on its parent's memory until it calls execve or exits, and with
// CLONE_VFORK its parent's thread waits until then.
#include "libos/base/own_ptr.h"
#include "libos/base/result.h"
#include "libos/entry/signal_types.h"
#include "libos/mm/fork_snapshot.h"
#include "process.h"
#include "threads.h"

namespace cella::process {

// Returns the child's pid (to the parent; the child starts at the same
// place with rax = 0). request.flags carries the exit signal in its low byte.
// A sequential fork (fork.h) hands over its parent's memory snapshot: the
// child then runs on the parent's memory as with CLONE_VFORK, and the
// parent waits even through its own SIGKILL, as its memory is in use.
base::Result<int> spawn_process(Thread& parent, const entry::KernelUcontext& context, const CloneRequest& request,
                                base::OwnPtr<mm::MemorySnapshot> fork_snapshot = nullptr);

// The child no longer runs on its parent's memory (execve, exit): a
// parent waiting in vfork goes on.
void release_vfork_parent(Process& child);

}  // namespace cella::process
