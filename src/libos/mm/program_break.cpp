// brk(): the heap grows into a range reserved at exec
// (process.default_heap_size), so it can never run into another mapping
// and its limit is the configured size.
#include <linux/mman.h>

#include "libos/host/host.h"
#include "libos/process/process.h"
#include "memory_ops.h"
#include "release.h"

namespace cella::mm {
namespace {

// Lock held. Whether [start, end) is still all reserve: the application
// may have mapped over it with MAP_FIXED, and then brk must not take it.
bool all_reserve(AddressSpace& space, int owner, std::uint64_t start, std::uint64_t end) {
    std::uint64_t at = start;
    space.for_each_in(start, end, [&](const Vma& vma) {
        if (vma.start == at && vma.owner == owner && vma.kind == VmaKind::HeapReserve) at = vma.end;
    });
    return at >= end;
}

Vma heap_vma(std::uint64_t start, std::uint64_t end, int owner, VmaKind kind) {
    int prot = kind == VmaKind::Heap ? PROT_READ | PROT_WRITE : PROT_NONE;
    return Vma{start, end, prot, MAP_PRIVATE, owner, kind, {}};
}

}  // namespace

Result<void> reserve_break(process::Process& process, std::uint64_t size) {
    size = page_round_up(size);
    AddressSpace& space = address_space();
    base::ScopedLock guard(space.lock());
    std::uint64_t start = 0;
    if (size) {
        start = TRY(space.find_free(size, kPageSize));
        TRY(space.insert(heap_vma(start, start + size, process.memory_owner(), VmaKind::HeapReserve)));
    } else {
        // No heap at all: brk() can only report where it would start.
        start = TRY(space.find_free(kPageSize, kPageSize));
    }
    process.program_break() = {start, start, start + size};
    return {};
}

std::uint64_t set_break(process::Process& process, std::uint64_t requested) {
    AddressSpace& space = address_space();
    base::ScopedLock guard(space.lock());
    process::ProgramBreak& brk = process.program_break();
    if (requested < brk.start || requested > brk.limit) return brk.current;
    std::uint64_t old_top = page_round_up(brk.current);
    std::uint64_t new_top = page_round_up(requested);
    int pid = process.memory_owner();
    if (new_top > old_top) {
        if (!all_reserve(space, pid, old_top, new_top) || space.remove(old_top, new_top, pid).is_error())
            return brk.current;
        if (host::map_anonymous_fixed(old_top, new_top - old_top, PROT_READ | PROT_WRITE).is_error() ||
            space.insert(heap_vma(old_top, new_top, pid, VmaKind::Heap)).is_error()) {
            (void)host::decommit(old_top, new_top - old_top);
            (void)space.insert(heap_vma(old_top, new_top, pid, VmaKind::HeapReserve));
            return brk.current;
        }
        // Keep [heap] one region for /proc/self/maps.
        space.merge_around(old_top, new_top);
    } else if (new_top < old_top) {
        // Memory given back reads zero when the heap grows again.
        if (drop_range(space, pid, new_top, old_top).is_error()) return brk.current;
        (void)space.insert(heap_vma(new_top, old_top, pid, VmaKind::HeapReserve));
    }
    brk.current = requested;
    return brk.current;
}

}  // namespace cella::mm
