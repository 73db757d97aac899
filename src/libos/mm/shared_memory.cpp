#include "shared_memory.h"

#include <asm-generic/errno.h>

#include "address_space.h"
#include "libos/process/process.h"
#include "memory_ops.h"
#include "release.h"

namespace cella::mm {

using base::Error;

SharedMemory::~SharedMemory() = default;

Result<void> SharedMemory::create(std::uint64_t size) {
    std::uint64_t rounded = page_round_up(size);
    if (rounded < size) return Error::from_errno(ENOMEM);
    pages_ = TRY(SharedPages::create(rounded));
    size_ = size;
    return {};
}

SharedMapping::SharedMapping(base::RefPtr<SharedMemory> memory) : memory_(static_cast<base::RefPtr<SharedMemory>&&>(memory)) {
    if (memory_) memory_->mappings_.fetch_add(1, base::MemoryOrder::AcqRel);
}

SharedMapping& SharedMapping::operator=(SharedMapping&& other) {
    if (this != &other) {
        reset();
        memory_ = static_cast<base::RefPtr<SharedMemory>&&>(other.memory_);
    }
    return *this;
}

void SharedMapping::reset() {
    if (!memory_) return;
    base::RefPtr<SharedMemory> memory = static_cast<base::RefPtr<SharedMemory>&&>(memory_);
    memory_ = nullptr;
    memory->mapping_closed(memory->mappings_.fetch_sub(1, base::MemoryOrder::AcqRel) == 1);
}

Result<std::uint64_t> map_shared(process::Process& process, base::RefPtr<SharedMemory> memory,
                                 const SharedMapRequest& request) {
    std::uint64_t length = page_round_up(memory->size());
    int owner = process.memory_owner();
    AddressSpace& space = address_space();
    base::ScopedLock guard(space.lock());
    std::uint64_t start = request.address;
    if (start) {
        std::uint64_t end = start + length;
        // Outside the enclave range a free-looking page may be the host's.
        if (end < start || !space.in_user_range(start, end)) return Error::from_errno(EINVAL);
        if (!space.is_free(start, end)) {
            if (!request.replace) return Error::from_errno(EINVAL);
            bool foreign = false;
            space.for_each_in(start, end, [&](const Vma& vma) { foreign |= vma.owner != owner; });
            if (foreign) return Error::from_errno(EINVAL);
            TRY(drop_range(space, owner, start, end, true));
        }
    } else {
        start = TRY(space.find_free(length, kPageSize));
    }
    std::uint64_t end = start + length;
    TRY(memory->pages()->map(start, length, request.prot, 0, true));
    Vma vma{start, end, request.prot, MAP_SHARED, owner, VmaKind::Anonymous, {}, nullptr, 0, request.may_write};
    auto inserted = [&]() -> Result<void> {
        vma.name = TRY(base::String::from(request.name));
        vma.pages = memory->pages();
        vma.shared = SharedMapping(memory);
        return space.insert(static_cast<Vma&&>(vma));
    }();
    if (inserted.is_error()) {
        release_at_host(space, start, end);
        return inserted.error();
    }
    return start;
}

Result<base::RefPtr<SharedMemory>> unmap_shared(process::Process& process, std::uint64_t address) {
    if (address % kPageSize) return Error::from_errno(EINVAL);
    int owner = process.memory_owner();
    AddressSpace& space = address_space();
    base::ScopedLock guard(space.lock());
    // As Linux's shmdt: the first shared-memory mapping above `address`
    // whose offset says the memory starts at `address`.
    base::RefPtr<SharedMemory> memory;
    for (Vma* vma = space.find_next(address); vma; vma = space.find_next(vma->end)) {
        if (vma->owner == owner && vma->shared && vma->shared.get()->attached_by_shmat() &&
            vma->offset == vma->start - address) {
            memory = vma->shared.get();
            break;
        }
    }
    if (!memory) return Error::from_errno(EINVAL);
    std::uint64_t end = address + page_round_up(memory->size());
    auto attached = [&](const Vma& vma) { return vma.owner == owner && vma.shared.get() == memory.get(); };
    space.for_each_in(address, end, [&](const Vma& vma) {
        if (attached(vma)) release_at_host(space, vma.start, vma.end);
    });
    space.remove_if(address, end, attached);
    return memory;
}

}  // namespace cella::mm
