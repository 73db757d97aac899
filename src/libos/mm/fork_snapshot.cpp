#include "fork_snapshot.h"

#include <asm-generic/errno.h>

#include <cstring>

#include "host_access.h"
#include "lazy_fill.h"
#include "libos/host/host.h"
#include "libos/runtime/log.h"
#include "release.h"

namespace cella::mm {
namespace {

using base::Error;

// Calls visit(start, end) for each maximal run of pages in [start, end)
// for which wanted(address) holds.
template <typename Wanted, typename Visit>
Result<void> for_each_run(std::uint64_t start, std::uint64_t end, Wanted&& wanted, Visit&& visit) {
    std::uint64_t run = 0;
    bool in_run = false;
    for (std::uint64_t at = start; at < end; at += kPageSize) {
        bool want = wanted(at);
        if (want && !in_run) run = at;
        if (!want && in_run) TRY(visit(run, at));
        in_run = want;
    }
    if (in_run) TRY(visit(run, end));
    return {};
}

// The same mapping as at the snapshot, as far as its pages can tell:
// nothing the child did reached its bounds, protection or backing.
bool unchanged(const Vma& now, const Vma& then) {
    return now.start == then.start && now.end == then.end && now.prot == then.prot && now.flags == then.flags &&
           now.kind == then.kind && now.file.get() == then.file.get() && now.offset == then.offset &&
           now.may_write == then.may_write && now.grows_down == then.grows_down && now.pages == then.pages &&
           now.ever_writable == then.ever_writable && now.shared.get() == then.shared.get();
}

bool saves_pages(const Vma& vma) {
    // Shared pages are the parent's and the child's alike, never parked.
    if (!vma.is_mapped() || vma.pages) return false;
    return vma.is_shared() || vma.ever_writable;
}

}  // namespace

Result<base::OwnPtr<MemorySnapshot>> MemorySnapshot::take(int owner) {
    auto snapshot = TRY(base::make_own<MemorySnapshot>());
    snapshot->owner_ = owner;
    AddressSpace& space = address_space();
    base::ScopedLock guard(space.lock());
    Result<void> copied;
    space.for_each(owner, [&](const Vma& vma) {
        if (copied.is_error()) return;
        auto clone = vma.try_clone();
        if (clone.is_error()) {
            copied = clone.error();
            return;
        }
        copied = snapshot->regions_.try_append(Region{clone.release_value(), {}});
    });
    TRY(copied);
    for (Region& region : snapshot->regions_) TRY(snapshot->save(region));
    return snapshot;
}

Result<void> MemorySnapshot::save(Region& region) {
    const Vma& vma = region.vma;
    if (!saves_pages(vma)) return {};
    // Pages the host never backed read zero and come back as zero; pages
    // not yet read from their file come back unread.
    base::Vector<std::uint8_t> resident;
    TRY(resident.try_resize(vma.size() / kPageSize));
    TRY(host::residency(vma.start, vma.size(), resident.span()));
    auto wanted = [&](std::uint64_t at) { return resident[vma.page_index(at)] && !vma.is_unfilled(at); };
    return for_each_run(vma.start, vma.end, wanted, [&](std::uint64_t start, std::uint64_t end) -> Result<void> {
        SavedRun run{start, {}};
        TRY(run.bytes.try_reserve(end - start));
        Result<void> copied;
        TRY(with_host_access(vma, start, end, PROT_READ, [&] {
            copied = run.bytes.try_append({reinterpret_cast<const std::uint8_t*>(start), end - start});
        }));
        TRY(copied);
        saved_bytes_ += end - start;
        return region.runs.try_append(static_cast<SavedRun&&>(run));
    });
}

Result<void> MemorySnapshot::restore() {
    AddressSpace& space = address_space();
    base::ScopedLock guard(space.lock());
    base::Vector<bool> kept;
    TRY(kept.try_resize(regions_.size()));
    struct Range {
        std::uint64_t start, end;
    };
    base::Vector<Range> current;
    Result<void> listed;
    space.for_each(owner_, [&](const Vma& vma) {
        if (!listed.is_error()) listed = current.try_append(Range{vma.start, vma.end});
    });
    TRY(listed);

    // The child's own mappings and whatever it changed of its parent's go;
    // the parent's untouched ones get their saved pages back.
    Result<void> result;
    std::size_t next_region = 0;
    for (const Range& range : current) {
        while (next_region < regions_.size() && regions_[next_region].vma.start < range.start) ++next_region;
        Vma* vma = space.find(range.start);
        if (next_region < regions_.size() && unchanged(*vma, regions_[next_region].vma)) {
            kept[next_region] = true;
            if (auto put = put_back_kept(regions_[next_region], *vma); put.is_error() && !result.is_error())
                result = put;
            continue;
        }
        release_at_host(space, vma->start, vma->end);
        if (auto removed = space.remove(range.start, range.end, owner_); removed.is_error() && !result.is_error())
            result = removed;
    }
    for (std::size_t i = 0; i < regions_.size(); ++i) {
        if (kept[i]) continue;
        if (auto remade = remake(regions_[i]); remade.is_error() && !result.is_error()) result = remade;
    }
    return result;
}

Result<void> MemorySnapshot::put_back_kept(const Region& region, Vma& current) {
    const Vma& then = region.vma;
    // A shared mapping's pages are the parent's and the child's alike; a
    // mapping that was never writable still holds what it held.
    if (!then.is_mapped() || then.is_shared() || !then.ever_writable) return {};
    if (then.fills_lazily()) {
        auto read_since = [&](std::uint64_t at) { return then.is_unfilled(at) && !current.is_unfilled(at); };
        TRY(for_each_run(then.start, then.end, read_since,
                         [&](std::uint64_t start, std::uint64_t end) { return unfill(current, start, end); }));
    }
    for (const SavedRun& run : region.runs) {
        // Pages the child only read need no writing, nor their protection lifted.
        bool readable = (current.prot & PROT_READ) && !any_unfilled(current, run.start, run.end());
        if (readable && std::memcmp(reinterpret_cast<const void*>(run.start), run.bytes.data(), run.bytes.size()) == 0)
            continue;
        TRY(with_host_access(current, run.start, run.end(), PROT_WRITE, [&] {
            std::memcpy(reinterpret_cast<void*>(run.start), run.bytes.data(), run.bytes.size());
        }));
        // The child dropped these pages (MADV_DONTNEED): they hold the
        // parent's bytes again, not the file's.
        if (any_unfilled(current, run.start, run.end())) {
            for (std::uint64_t at = run.start; at < run.end(); at += kPageSize) current.unfilled[current.page_index(at)] = 0;
            TRY(host::protect(run.start, run.bytes.size(), current.prot));
        }
    }
    if (current.file) return {};
    // Anonymous pages the parent never touched read zero again.
    std::uint64_t at = then.start;
    for (const SavedRun& run : region.runs) {
        if (run.start > at) TRY(host::discard(at, run.start - at));
        at = run.end();
    }
    if (at < then.end) TRY(host::discard(at, then.end - at));
    return {};
}

Result<void> MemorySnapshot::remake(Region& region) {
    AddressSpace& space = address_space();
    Vma& vma = region.vma;
    if (!space.is_free(vma.start, vma.end)) {
        log::error("fork: process %d's memory at 0x%lx-0x%lx was taken by another process while its child ran; "
                   "it cannot be put back",
                   owner_, static_cast<unsigned long>(vma.start), static_cast<unsigned long>(vma.end));
        return Error::from_errno(EEXIST);
    }
    if (vma.pages) {
        // What the child wrote to shared pages stays, as on Linux.
        TRY(vma.pages->map(vma.start, vma.size(), vma.prot, vma.offset, space.in_user_range(vma.start, vma.end)));
    } else if (vma.is_mapped()) {
        if (space.in_user_range(vma.start, vma.end))
            TRY(host::map_anonymous_fixed(vma.start, vma.size(), PROT_READ | PROT_WRITE));
        else
            TRY(host::map_anonymous_noreplace(vma.start, vma.size(), PROT_READ | PROT_WRITE));
        for (const SavedRun& run : region.runs)
            std::memcpy(reinterpret_cast<void*>(run.start), run.bytes.data(), run.bytes.size());
        // Every file page not saved is read from the file again.
        if (vma.fills_lazily()) {
            std::memset(vma.unfilled.data(), 1, vma.unfilled.size());
            for (const SavedRun& run : region.runs)
                for (std::uint64_t at = run.start; at < run.end(); at += kPageSize) vma.unfilled[vma.page_index(at)] = 0;
        }
        TRY(protect_at_host(vma, vma.start, vma.end, vma.prot));
    }
    return space.insert(static_cast<Vma&&>(vma));
}

}  // namespace cella::mm
