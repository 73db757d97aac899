#include "fork.h"

#include <asm-generic/errno.h>
#include <asm/signal.h>
#include <linux/sched.h>

#include "exec.h"
#include "libos/mm/fork_snapshot.h"
#include "libos/mm/user_memory.h"
#include "libos/runtime/log.h"
#include "process_table.h"
#include "siginfo.h"
#include "signals.h"
#include "spawn.h"

namespace cella::process {
namespace {

using base::Error;

Result<void> refuse(const char* how, const char* why) {
    static bool logged = false;
    if (!logged) {
        logged = true;
        log::warn("%s: %s; returning ENOSYS", how, why);
    }
    return Error::from_errno(ENOSYS);
}

}  // namespace

base::Result<int> fork_process(Thread& parent, const entry::KernelUcontext& context, const CloneRequest& request,
                               const char* how) {
    if (!machine_info().sequential_fork) {
        TRY(refuse(how,
                   "a process cannot copy its memory in cella's one address space (use vfork, posix_spawn or "
                   "clone(CLONE_VM|CLONE_VFORK), or set process.fork to \"sequential\" in cella.json)"));
    }
    Process& process = parent.process();
    if (process.thread_count() > 1)
        TRY(refuse(how, "a sequential fork needs a process with one thread, and this one has more"));
    auto snapshot = TRY(mm::MemorySnapshot::take(process.memory_owner()));
    log::debug("fork: process %d saved %lu bytes of its memory", process.pid(),
               static_cast<unsigned long>(snapshot->saved_bytes()));
    // The parent's own memory is put back before it runs again: what the
    // parent is to keep is written once it has it back.
    CloneRequest child_request = request;
    child_request.flags &= ~std::uint64_t{CLONE_PARENT_SETTID};
    int pid = TRY(spawn_process(parent, context, child_request, static_cast<base::OwnPtr<mm::MemorySnapshot>&&>(snapshot)));
    if (request.flags & CLONE_PARENT_SETTID) (void)mm::write_user(request.parent_tid, static_cast<std::uint32_t>(pid));
    return pid;
}

void return_parent_memory(Process& child) {
    if (!child.fork_snapshot) return;
    auto restored = child.fork_snapshot->restore();
    child.fork_snapshot = nullptr;
    if (!restored.is_error()) return;
    // The parent cannot go on with memory that is not whole.
    log::error("fork: the memory of process %d could not be put back after its child %d (errno %d); killing it",
               child.memory_owner(), child.pid(), restored.error().code());
    if (base::RefPtr<Process> parent = process_table().find_process(child.memory_owner()))
        (void)send_to_process(*parent, kill_siginfo(SIGKILL, kSiKernel, 0));
}

}  // namespace cella::process
