#include "fault.h"

#include <linux/mman.h>

#include "lazy_fill.h"
#include "libos/host/host.h"
#include "libos/process/current.h"
#include "libos/process/exec.h"
#include "libos/process/process.h"

namespace cella::mm {
namespace {

// A fault on a page that is filled already, in a mapping that allows the
// access, is either a fill that raced with it (another thread filled the
// page after this one faulted: retry) or an access the handler cannot tell
// was refused (an instruction fetch from a page without PROT_EXEC reaches
// it as a read). So a thread is let retry once; faulting again on the same
// page with no fill in between, the fault is the application's.
struct Retry {
    int tid;
    std::uint64_t page;
    std::uint64_t generation;
};
constexpr std::size_t kRetrySlots = 16;
// Guarded by the address space's lock.
Retry g_retries[kRetrySlots];
std::size_t g_next_retry_slot;

bool may_retry(std::uint64_t page) {
    int tid = process::current_thread().tid();
    std::uint64_t generation = fill_generation();
    Retry* slot = nullptr;
    for (Retry& retry : g_retries)
        if (retry.tid == tid) slot = &retry;
    if (slot && slot->page == page && slot->generation == generation) {
        *slot = Retry{0, 0, 0};
        return false;
    }
    if (!slot) slot = &g_retries[g_next_retry_slot++ % kRetrySlots];
    *slot = Retry{tid, page, generation};
    return true;
}

// Lock held. A fault in a private file mapping that fills lazily.
FaultOutcome fill_on_fault(Vma& vma, std::uint64_t address, bool write) {
    // An access the mapping forbids is the application's, filled or not.
    if (vma.prot == PROT_NONE || (write && !(vma.prot & PROT_WRITE))) return FaultOutcome::Application;
    std::uint64_t page = page_round_down(address);
    if (!vma.is_unfilled(page)) return may_retry(page) ? FaultOutcome::Resolved : FaultOutcome::Application;
    std::uint64_t size = fill_window(vma);
    std::uint64_t window = address & ~(size - 1);
    if (!fill(vma, window, window + size).is_error()) return FaultOutcome::Resolved;
    // A failure further in the window still lets the faulting page go on;
    // where the page itself could not be read, try it alone.
    if (!vma.is_unfilled(page)) return FaultOutcome::Resolved;
    return fill(vma, page, page + kPageSize).is_error() ? FaultOutcome::Unreadable : FaultOutcome::Resolved;
}

}  // namespace

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
    // A private file mapping that grows down grows by zero pages, filled.
    base::Vector<std::uint8_t> marks;
    if (stack->fills_lazily() && (marks.try_resize((stack->start - new_start) / kPageSize).is_error() ||
                                  marks.try_append(stack->unfilled.span()).is_error()))
        return false;
    if (host::map_anonymous_fixed(new_start, stack->start - new_start, stack->prot).is_error()) return false;
    if (stack->fills_lazily()) stack->unfilled = static_cast<base::Vector<std::uint8_t>&&>(marks);
    space.extend(*stack, new_start, stack->end);
    return true;
}

FaultOutcome handle_fault(process::Process& process, std::uint64_t address, bool write) {
    AddressSpace& space = address_space();
    base::ScopedLock guard(space.lock());
    int owner = process.memory_owner();
    Vma* vma = space.find(address);
    if (vma && vma->owner == owner && vma->fills_lazily()) return fill_on_fault(*vma, address, write);
    return grow_stack_to(space, owner, address, write ? PROT_WRITE : PROT_READ) ? FaultOutcome::Resolved
                                                                                : FaultOutcome::Application;
}

int segv_code(process::Process& process, std::uint64_t address) {
    constexpr int kSegvMapErr = 1, kSegvAccErr = 2;
    AddressSpace& space = address_space();
    base::ScopedLock guard(space.lock());
    const Vma* vma = space.find(address);
    bool mapped = vma && vma->owner == process.memory_owner() && vma->is_mapped();
    return mapped ? kSegvAccErr : kSegvMapErr;
}

}  // namespace cella::mm
