#include "memory_ops.h"

#include <asm-generic/errno.h>
#include <linux/mman.h>

#include "libos/host/host.h"
#include "libos/process/process.h"

namespace cella::mm {
namespace {

using base::Error;

bool in_user_range(AddressSpace& space, std::uint64_t start, std::uint64_t end) {
    return start >= space.user_base() && end <= space.user_end();
}

// Inside the reserved range a released page goes back to reserved and
// uncommitted; outside it (fixed-address executables) it is unmapped.
void release_at_host(AddressSpace& space, std::uint64_t start, std::uint64_t end) {
    if (in_user_range(space, start, end))
        (void)host::decommit(start, end - start);
    else
        (void)host::unmap(start, end - start);
}

Result<void> fill_from_file(fs::OpenFile& file, std::uint64_t address, std::uint64_t length, std::uint64_t offset) {
    auto* at = reinterpret_cast<std::uint8_t*>(address);
    std::uint64_t done = 0;
    while (done < length) {
        std::size_t n = TRY(file.pread({at + done, length - done}, offset + done));
        if (n == 0) break;  // past end of file: the rest stays zero
        done += n;
    }
    return {};
}

}  // namespace

Result<std::uint64_t> map(process::Process& process, const MapRequest& request) {
    int flags = request.flags;
    if (request.length == 0) return Error::from_errno(EINVAL);
    if (request.offset % kPageSize) return Error::from_errno(EINVAL);
    int type = flags & MAP_TYPE;
    if (type != MAP_PRIVATE && type != MAP_SHARED && type != MAP_SHARED_VALIDATE) return Error::from_errno(EINVAL);
    std::uint64_t length = page_round_up(request.length);
    if (length < request.length) return Error::from_errno(ENOMEM);
    bool fixed = flags & (MAP_FIXED | MAP_FIXED_NOREPLACE);
    if (fixed && request.address % kPageSize) return Error::from_errno(EINVAL);
    if (request.file) {
        if (!request.file->readable()) return Error::from_errno(EACCES);
        if (type != MAP_PRIVATE && (request.prot & PROT_WRITE) && !request.file->writable())
            return Error::from_errno(EACCES);
        if (type != MAP_PRIVATE && (request.prot & PROT_WRITE))
            return Error::from_errno(ENODEV);  // shared writable file mappings: not yet supported
    }

    AddressSpace& space = address_space();
    base::ScopedLock guard(space.lock());
    std::uint64_t start;
    bool replacing = false;
    if (fixed) {
        start = request.address;
        if (start + length < start) return Error::from_errno(ENOMEM);
        if (!space.is_free(start, start + length)) {
            if (flags & MAP_FIXED_NOREPLACE) return Error::from_errno(EEXIST);
            bool all_own = space.covered(start, start + length, process.pid());
            if (!all_own) {
                // Partly free is fine inside the range; what is held must be this process's.
                for (std::uint64_t at = start; at < start + length; at += kPageSize) {
                    const Vma* vma = space.find(at);
                    if (vma && vma->owner != process.pid()) return Error::from_errno(ENOMEM);
                }
                // Outside the enclave range a free page may be the host's own memory.
                if (!in_user_range(space, start, start + length)) return Error::from_errno(ENOMEM);
            }
            TRY(space.remove(start, start + length, process.pid()));
            replacing = true;
        }
    } else {
        start = TRY(space.find_free(length, request.alignment, page_round_down(request.address)));
    }

    int host_prot = request.file ? PROT_READ | PROT_WRITE : request.prot;
    if (in_user_range(space, start, start + length) || replacing)
        TRY(host::map_anonymous_fixed(start, length, host_prot, request.populate || request.file));
    else
        TRY(host::map_anonymous_noreplace(start, length, host_prot));

    Vma vma{start, start + length, request.prot, type == MAP_PRIVATE ? MAP_PRIVATE : MAP_SHARED, process.pid(),
            request.kind, TRY(base::String::from(request.name))};
    if (auto inserted = space.insert(static_cast<Vma&&>(vma)); inserted.is_error()) {
        release_at_host(space, start, start + length);
        return inserted.error();
    }
    if (request.file) {
        auto filled = fill_from_file(*request.file, start, length, request.offset);
        if (filled.is_error() || host::protect(start, length, request.prot).is_error()) {
            (void)space.remove(start, start + length, process.pid());
            release_at_host(space, start, start + length);
            return filled.is_error() ? filled.error() : Error::from_errno(ENOMEM);
        }
    }
    return start;
}

Result<void> unmap(process::Process& process, std::uint64_t address, std::uint64_t length) {
    if (address % kPageSize || length == 0) return Error::from_errno(EINVAL);
    std::uint64_t end = page_round_up(address + length);
    if (end < address) return Error::from_errno(EINVAL);
    AddressSpace& space = address_space();
    base::ScopedLock guard(space.lock());
    // Release only the pages this process holds.
    for (std::uint64_t at = address; at < end;) {
        const Vma* vma = space.find(at);
        if (!vma) {
            at += kPageSize;
            continue;
        }
        std::uint64_t stop = vma->end < end ? vma->end : end;
        if (vma->owner == process.pid()) release_at_host(space, at, stop);
        at = stop;
    }
    return space.remove(address, end, process.pid());
}

Result<void> protect(process::Process& process, std::uint64_t address, std::uint64_t length, int prot) {
    if (address % kPageSize) return Error::from_errno(EINVAL);
    if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_GROWSDOWN | PROT_GROWSUP)) return Error::from_errno(EINVAL);
    prot &= PROT_READ | PROT_WRITE | PROT_EXEC;
    if (length == 0) return {};
    std::uint64_t end = page_round_up(address + length);
    if (end < address) return Error::from_errno(ENOMEM);
    AddressSpace& space = address_space();
    base::ScopedLock guard(space.lock());
    if (!space.covered(address, end, process.pid())) return Error::from_errno(ENOMEM);
    TRY(host::protect(address, end - address, prot));
    return space.protect(address, end, prot, process.pid());
}

Result<void> reserve_break(process::Process& process, std::uint64_t size) {
    size = page_round_up(size);
    AddressSpace& space = address_space();
    base::ScopedLock guard(space.lock());
    std::uint64_t start = TRY(space.find_free(size, kPageSize));
    TRY(space.insert(Vma{start, start + size, PROT_NONE, MAP_PRIVATE, process.pid(), VmaKind::HeapReserve, {}}));
    process.program_break() = {start, start, start + size};
    return {};
}

std::uint64_t set_break(process::Process& process, std::uint64_t requested) {
    process::ProgramBreak& brk = process.program_break();
    if (requested < brk.start || requested > brk.limit) return brk.current;
    std::uint64_t old_top = page_round_up(brk.current);
    std::uint64_t new_top = page_round_up(requested);
    AddressSpace& space = address_space();
    base::ScopedLock guard(space.lock());
    if (new_top > old_top) {
        if (space.remove(old_top, new_top, process.pid()).is_error()) return brk.current;
        if (host::map_anonymous_fixed(old_top, new_top - old_top, PROT_READ | PROT_WRITE).is_error() ||
            space.insert(Vma{old_top, new_top, PROT_READ | PROT_WRITE, MAP_PRIVATE, process.pid(), VmaKind::Heap, {}})
                .is_error()) {
            (void)space.insert(Vma{old_top, new_top, PROT_NONE, MAP_PRIVATE, process.pid(), VmaKind::HeapReserve, {}});
            return brk.current;
        }
        // Keep [heap] one region for /proc/self/maps.
        (void)space.protect(brk.start, new_top, PROT_READ | PROT_WRITE, process.pid());
    } else if (new_top < old_top) {
        if (space.remove(new_top, old_top, process.pid()).is_error()) return brk.current;
        (void)host::decommit(new_top, old_top - new_top);
        (void)space.insert(Vma{new_top, old_top, PROT_NONE, MAP_PRIVATE, process.pid(), VmaKind::HeapReserve, {}});
    }
    brk.current = requested;
    return brk.current;
}

void release_all(process::Process& process) {
    AddressSpace& space = address_space();
    base::ScopedLock guard(space.lock());
    space.remove_all(process.pid(), [&](const Vma& vma) { release_at_host(space, vma.start, vma.end); });
    process.program_break() = {};
}

}  // namespace cella::mm
