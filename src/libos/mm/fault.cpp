#include "fault.h"

#include <linux/mman.h>

#include "libos/host/host.h"
#include "libos/process/exec.h"
#include "libos/process/process.h"

namespace cella::mm {

bool grow_stack_to(AddressSpace& space, int owner, std::uint64_t address, int prot) {
    if (space.find(address)) return false;  // mapped: not a growth fault
    Vma* stack = space.find_next(address);
    if (!stack || !stack->grows_down || stack->owner != owner) return false;
    if ((stack->prot & prot) != prot || stack->prot == PROT_NONE) return false;
    std::uint64_t new_start = page_round_down(address);
    if (!space.in_user_range(new_start, stack->start)) return false;
    if (stack->end - new_start > process::machine_info().default_stack_size) return false;  // RLIMIT_STACK
    // Keep the guard gap from an accessible mapping below (Linux's
    // stack_guard_gap), and never touch one.
    if (const Vma* below = space.find_before(*stack)) {
        std::uint64_t gap = below->is_mapped() && below->prot != PROT_NONE && !below->grows_down ? kStackGuardGap : 0;
        if (below->end > new_start || new_start - below->end < gap) return false;
    }
    if (host::map_anonymous_fixed(new_start, stack->start - new_start, stack->prot).is_error()) return false;
    space.extend(*stack, new_start, stack->end);
    return true;
}

bool handle_fault(process::Process& process, std::uint64_t address, bool write) {
    AddressSpace& space = address_space();
    base::ScopedLock guard(space.lock());
    return grow_stack_to(space, process.memory_owner(), address, write ? PROT_WRITE : PROT_READ);
}

}  // namespace cella::mm
