// mremap(2), following Linux's mm/mremap.c: shrink in place, grow in place
// when the addresses after the mapping are free, otherwise move (with
// MREMAP_MAYMOVE). Moving copies the pages the host has backed; pages it
// never backed read zero at the new place too, so a large, sparsely used
// mapping moves at the cost of what is used.
#include <asm-generic/errno.h>
#include <linux/mman.h>

#include <cstring>

#include "file_backing.h"
#include "host_access.h"
#include "lazy_fill.h"
#include "libos/process/process.h"
#include "libos/runtime/log.h"
#include "memory_ops.h"
#include "release.h"

namespace cella::mm {
namespace {

using base::Error;

constexpr int kKnownFlags = MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP;
constexpr std::size_t kResidencyBatch = 256;  // pages asked about per host call

// Lock held. The mapping that holds [old, old+old_len), checked as Linux's
// vma_to_resize does.
Result<Vma*> mapping_to_resize(AddressSpace& space, int owner, std::uint64_t old, std::uint64_t old_len,
                               std::uint64_t new_len) {
    // Pieces left apart by earlier splits would fail the one-mapping rule below.
    space.merge_around(old, old + old_len);
    Vma* vma = space.find(old);
    if (!vma || vma->owner != owner || !vma->is_mapped()) return Error::from_errno(EFAULT);
    // Moving or growing an attached System V segment is not done yet.
    if (vma->shared) return Error::from_errno(EINVAL);
    // old_len 0 asks for a second mapping of the same pages: only shared
    // mappings have pages to share (Linux).
    if (old_len == 0 && !vma->is_shared()) return Error::from_errno(EINVAL);
    if (old_len > vma->end - old) return Error::from_errno(EFAULT);
    if (vma->file && vma->offset_of(old) + new_len < vma->offset_of(old)) return Error::from_errno(EINVAL);
    return vma;
}

// Lock held. Copies the backed pages of [from, from+length) to `to`.
Result<void> copy_backed_pages(std::uint64_t from, std::uint64_t to, std::uint64_t length) {
    std::uint8_t resident[kResidencyBatch];
    for (std::uint64_t done = 0; done < length;) {
        std::uint64_t pages = (length - done) / kPageSize;
        if (pages > kResidencyBatch) pages = kResidencyBatch;
        TRY(host::residency(from + done, pages * kPageSize, {resident, pages}));
        for (std::uint64_t i = 0; i < pages; ++i)
            if (resident[i])
                std::memcpy(reinterpret_cast<void*>(to + done + i * kPageSize),
                            reinterpret_cast<const void*>(from + done + i * kPageSize), kPageSize);
        done += pages * kPageSize;
    }
    return {};
}

// Lock held. Moves [old, old+old_len) of its mapping to a new mapping of
// new_len bytes at `to` (free, in the user range). With old_len 0 the new
// mapping is a second view of the same file. `keep_old` is
// MREMAP_DONTUNMAP: the old range stays mapped, emptied of what moved.
Result<void> move_mapping(AddressSpace& space, int owner, std::uint64_t old, std::uint64_t old_len,
                          std::uint64_t new_len, std::uint64_t to, bool keep_old, PendingFill& fill) {
    if (old_len) TRY(space.isolate(old, old + old_len));
    Vma* source = space.find(old);
    Vma moved{to,
              to + new_len,
              source->prot,
              source->flags,
              owner,
              // Only the brk area is the heap.
              source->kind == VmaKind::Heap ? VmaKind::Anonymous : source->kind,
              TRY(source->name.try_clone()),
              source->file,
              source->offset_of(old),
              source->may_write,
              source->grows_down,
              source->pages,
              {}};
    if (source->fills_lazily()) {
        // Pages not read yet move as they are; those it grows into are
        // read from the file when touched too.
        std::size_t first = (old - source->start) / kPageSize;
        TRY(moved.unfilled.try_append(source->unfilled.span().subspan(first, old_len / kPageSize)));
        for (std::uint64_t at = old_len; at < new_len; at += kPageSize) TRY(moved.unfilled.try_append(1));
    }

    Result<void> placed;
    if (moved.pages) {
        // Shared pages are mapped again at the new place; past their end
        // (a shared anonymous mapping grown) they give SIGBUS, as on Linux.
        placed = moved.pages->map(to, new_len, moved.prot, moved.offset, true);
    } else {
        TRY(host::map_anonymous_fixed(to, new_len, PROT_READ | PROT_WRITE));
        Result<void> copied;
        placed = with_host_access(*source, old, old + old_len, PROT_READ,
                                  [&] { copied = copy_backed_pages(old, to, old_len); });
        if (!placed.is_error())
            placed = copied.is_error() ? copied : protect_at_host(moved, to, to + new_len, moved.prot);
    }
    const bool private_file = source->file && !source->is_shared();
    const bool lazy = source->fills_lazily();
    const bool private_anonymous = !source->file && !source->is_shared();
    const base::RefPtr<fs::OpenFile> file = source->pages ? nullptr : source->file;
    const std::uint64_t old_offset = source->offset_of(old);
    if (!placed.is_error()) placed = space.insert(static_cast<Vma&&>(moved));  // `source` is stale from here
    if (placed.is_error()) {
        release_at_host(space, to, to + new_len);
        return placed;
    }

    if (file && !lazy && new_len > old_len)
        fill = {file, owner, to + old_len, new_len - old_len, old_offset + old_len};
    if (old_len && !keep_old) {
        release_at_host(space, old, old + old_len);
        space.remove_if(old, old + old_len, [&](const Vma& vma) { return vma.owner == owner; });
    } else if (old_len && (private_anonymous || private_file)) {
        // What is left reads as a fresh mapping would: zeros, or the file.
        Vma* left = lazy ? space.find(old) : nullptr;
        if (left)
            (void)unfill(*left, old, old + old_len);
        else
            (void)host::discard(old, old_len);
        if (private_file && !left) fill = {file, owner, old, old_len, old_offset};
    }
    space.merge_around(to, to + new_len);
    return {};
}

// Lock held. Grows the mapping that ends at old+old_len into free space after it.
bool grow_in_place(AddressSpace& space, Vma& vma, std::uint64_t new_end, PendingFill& fill) {
    std::uint64_t from = vma.end;
    if (!space.in_user_range(from, new_end) || !space.is_free(from, new_end)) return false;
    // A private file mapping grows by pages read from the file when touched.
    if (vma.fills_lazily()) {
        std::size_t pages = (from - vma.start) / kPageSize;
        for (std::uint64_t at = from; at < new_end; at += kPageSize)
            if (vma.unfilled.try_append(1).is_error()) {
                MUST(vma.unfilled.try_resize(pages));
                return false;
            }
        if (host::map_anonymous_fixed(from, new_end - from, PROT_NONE).is_error()) {
            MUST(vma.unfilled.try_resize(pages));
            return false;
        }
        space.extend(vma, vma.start, new_end);
        space.merge_around(from, new_end);
        return true;
    }
    if (vma.pages) {
        if (vma.pages->map(from, new_end - from, vma.prot, vma.offset_of(from), true).is_error()) return false;
    } else if (host::map_anonymous_fixed(from, new_end - from, vma.prot).is_error()) {
        return false;
    }
    space.extend(vma, vma.start, new_end);
    if (vma.file && !vma.pages) fill = {vma.file, vma.owner, from, new_end - from, vma.offset_of(from)};
    space.merge_around(from, new_end);
    return true;
}

// Lock held. MREMAP_FIXED or MREMAP_DONTUNMAP: always a move.
Result<std::uint64_t> remap_to(AddressSpace& space, int owner, const RemapRequest& request, std::uint64_t old_len,
                               std::uint64_t new_len, PendingFill& fill) {
    std::uint64_t old = request.old_address;
    std::uint64_t to = request.new_address;
    if (request.flags & MREMAP_FIXED) {
        if (to % kPageSize || to + new_len < to) return Error::from_errno(EINVAL);
        if (old + old_len > to && to + new_len > old) return Error::from_errno(EINVAL);
        // Moving out of the enclave's range would hand the host's memory to the application.
        if (!space.in_user_range(to, to + new_len)) return Error::from_errno(ENOMEM);
        bool foreign = false;
        space.for_each_in(to, to + new_len, [&](const Vma& vma) { foreign |= vma.owner != owner; });
        if (foreign) return Error::from_errno(ENOMEM);
        TRY(drop_range(space, owner, to, to + new_len, true));
    }
    if (old_len > new_len) {
        TRY(drop_range(space, owner, old + new_len, old + old_len));
        old_len = new_len;
    }
    TRY(mapping_to_resize(space, owner, old, old_len, new_len));
    if (!(request.flags & MREMAP_FIXED)) to = TRY(space.find_free(new_len, kPageSize));
    TRY(move_mapping(space, owner, old, old_len, new_len, to, request.flags & MREMAP_DONTUNMAP, fill));
    return to;
}

Result<std::uint64_t> remap_locked(AddressSpace& space, int owner, const RemapRequest& request, std::uint64_t old_len,
                                   std::uint64_t new_len, PendingFill& fill) {
    std::uint64_t old = request.old_address;
    const Vma* at_old = space.find(old);
    if (!at_old || at_old->owner != owner || !at_old->is_mapped()) return Error::from_errno(EFAULT);
    if (request.flags & (MREMAP_FIXED | MREMAP_DONTUNMAP)) return remap_to(space, owner, request, old_len, new_len, fill);
    if (old_len >= new_len) {
        if (old_len > new_len) TRY(drop_range(space, owner, old + new_len, old + old_len));
        return old;
    }
    Vma* vma = TRY(mapping_to_resize(space, owner, old, old_len, new_len));
    if (old_len == vma->end - old && old + new_len > old && grow_in_place(space, *vma, old + new_len, fill))
        return old;
    if (!(request.flags & MREMAP_MAYMOVE)) return Error::from_errno(ENOMEM);
    std::uint64_t to = TRY(space.find_free(new_len, kPageSize));
    TRY(move_mapping(space, owner, old, old_len, new_len, to, false, fill));
    return to;
}

}  // namespace

Result<std::uint64_t> remap(process::Process& process, const RemapRequest& request) {
    int flags = request.flags;
    if (flags & ~kKnownFlags) return Error::from_errno(EINVAL);
    if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE)) return Error::from_errno(EINVAL);
    if ((flags & MREMAP_DONTUNMAP) && (!(flags & MREMAP_MAYMOVE) || request.old_length != request.new_length))
        return Error::from_errno(EINVAL);
    if (request.old_address % kPageSize) return Error::from_errno(EINVAL);
    std::uint64_t old_len = page_round_up(request.old_length);
    std::uint64_t new_len = page_round_up(request.new_length);
    if (old_len < request.old_length || new_len < request.new_length || new_len == 0)
        return Error::from_errno(EINVAL);
    if (request.old_address + old_len < request.old_address) return Error::from_errno(EFAULT);

    AddressSpace& space = address_space();
    PendingFill fill;
    std::uint64_t result;
    {
        base::ScopedLock guard(space.lock());
        result = TRY(remap_locked(space, process.memory_owner(), request, old_len, new_len, fill));
    }
    // The mapping has moved already; a file that cannot be read now leaves
    // zeros, where Linux would raise SIGBUS on access.
    if (auto filled = fill_from_file(fill); filled.is_error())
        log::warn("mremap: reading %s for the grown mapping failed (errno %d)",
                  fill.file ? fill.file->path().c_str() : "?", filled.error().code());
    return result;
}

}  // namespace cella::mm
