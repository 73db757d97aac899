#include "address_space.h"

#include <asm-generic/errno.h>

#include "libos/base/global.h"

namespace cella::mm {
namespace {

base::Global<AddressSpace> g_address_space;

// Where a mapping's claim begins for placement: a stack that grows down
// keeps the guard gap below it free.
std::uint64_t claimed_start(const Vma& vma) {
    if (!vma.grows_down) return vma.start;
    return vma.start > kStackGuardGap ? vma.start - kStackGuardGap : 0;
}

bool alike(const Vma& a, const Vma& b) {
    if (a.end != b.start || a.prot != b.prot || a.flags != b.flags || a.owner != b.owner || a.kind != b.kind ||
        a.may_write != b.may_write || a.grows_down != b.grows_down || a.file.get() != b.file.get() ||
        a.pages.get() != b.pages.get() || a.fills_lazily() != b.fills_lazily() || a.name.view() != b.name.view() ||
        a.ever_writable != b.ever_writable || a.shared.get() != b.shared.get())
        return false;
    return (!a.file && !a.pages) || b.offset == a.offset_of(a.end);
}

}  // namespace

AddressSpace& address_space() {
    if (!g_address_space.is_constructed()) g_address_space.construct();
    return g_address_space.get();
}

Result<Vma> Vma::try_clone() const {
    return Vma{start,  end,       prot,       flags,    owner, kind, TRY(name.try_clone()), file,
               offset, may_write, grows_down, pages, TRY(unfilled.try_clone()), ever_writable, shared.clone()};
}

void AddressSpace::init(std::uint64_t user_base, std::uint64_t user_size) {
    user_base_ = user_base;
    user_end_ = user_base + user_size;
    next_hint_ = user_base;
}

std::size_t AddressSpace::first_ending_after(std::uint64_t address) const {
    std::size_t low = 0, high = vmas_.size();
    while (low < high) {
        std::size_t middle = (low + high) / 2;
        if (vmas_[middle].end <= address)
            low = middle + 1;
        else
            high = middle;
    }
    return low;
}

bool AddressSpace::is_free(std::uint64_t start, std::uint64_t end) {
    std::size_t i = first_ending_after(start);
    return i == vmas_.size() || vmas_[i].start >= end;
}

bool AddressSpace::fits(std::uint64_t start, std::uint64_t length, std::size_t next_index) const {
    return next_index == vmas_.size() || claimed_start(vmas_[next_index]) >= start + length;
}

Result<std::uint64_t> AddressSpace::find_free(std::uint64_t length, std::uint64_t alignment, std::uint64_t hint,
                                              std::uint64_t below) {
    std::uint64_t top = below && below < user_end_ ? below : user_end_;
    if (alignment < kPageSize) alignment = kPageSize;
    if (length == 0 || top <= user_base_ || length > top - user_base_) {
        if (!below) record_exhaustion(length);
        return base::Error::from_errno(ENOMEM);
    }
    auto align_up = [&](std::uint64_t v) { return (v + alignment - 1) & ~(alignment - 1); };
    if (hint && hint % alignment == 0 && hint >= user_base_ && hint <= top - length &&
        fits(hint, length, first_ending_after(hint)))
        return hint;
    // Next fit from where the last search ended, then from the bottom: keeps
    // fresh mappings from reusing just-freed addresses at once.
    for (std::uint64_t from : {next_hint_, user_base_}) {
        std::uint64_t candidate = align_up(from);
        std::size_t i = first_ending_after(candidate);
        while (candidate <= top && length <= top - candidate) {
            if (fits(candidate, length, i)) {
                next_hint_ = candidate + length;
                return candidate;
            }
            candidate = align_up(vmas_[i].end);
            ++i;
        }
    }
    // A request limited to low addresses failing says nothing about the limit.
    if (!below) record_exhaustion(length);
    return base::Error::from_errno(ENOMEM);
}

void AddressSpace::record_exhaustion(std::uint64_t length) {
    std::uint64_t in_use = 0;
    for (const Vma& vma : vmas_)
        if (in_user_range(vma.start, vma.end)) in_use += vma.size();
    exhausted_in_use_.store(in_use, base::MemoryOrder::Relaxed);
    exhausted_request_.store(length ? length : 1, base::MemoryOrder::Relaxed);
}

Result<void> AddressSpace::insert(Vma vma) {
    if (vma.start >= vma.end || vma.start % kPageSize || vma.end % kPageSize) return base::Error::from_errno(EINVAL);
    std::size_t i = first_ending_after(vma.start);
    if (i < vmas_.size() && vmas_[i].start < vma.end) return base::Error::from_errno(EEXIST);
    if (vma.prot & PROT_WRITE) vma.ever_writable = true;
    return vmas_.try_insert(i, std::move(vma));
}

Result<void> AddressSpace::split_at(std::uint64_t address) {
    std::size_t i = first_ending_after(address);
    if (i == vmas_.size() || vmas_[i].start >= address) return {};
    const Vma& whole = vmas_[i];
    std::size_t lower_pages = (address - whole.start) / kPageSize;
    Vma upper{address,
              whole.end,
              whole.prot,
              whole.flags,
              whole.owner,
              whole.kind,
              TRY(whole.name.try_clone()),
              whole.file,
              whole.offset_of(address),
              whole.may_write,
              whole.grows_down,
              whole.pages,
              {},
              whole.ever_writable,
              whole.shared.clone()};
    if (whole.fills_lazily()) TRY(upper.unfilled.try_append(whole.unfilled.span().subspan(lower_pages)));
    // Insert first: if that fails, the map is as it was.
    TRY(vmas_.try_insert(i + 1, std::move(upper)));
    Vma& lower = vmas_[i];
    lower.end = address;
    // Shrinking cannot fail.
    if (lower.fills_lazily()) MUST(lower.unfilled.try_resize(lower_pages));
    return {};
}

Result<void> AddressSpace::isolate(std::uint64_t start, std::uint64_t end) {
    TRY(split_at(start));
    return split_at(end);
}

Result<void> AddressSpace::remove(std::uint64_t start, std::uint64_t end, int owner) {
    TRY(isolate(start, end));
    remove_if(start, end, [&](const Vma& vma) { return vma.owner == owner; });
    return {};
}

bool AddressSpace::covered(std::uint64_t start, std::uint64_t end, int owner) {
    std::uint64_t at = start;
    for (std::size_t i = first_ending_after(start); i < vmas_.size() && at < end; ++i) {
        const Vma& vma = vmas_[i];
        if (vma.start > at || vma.owner != owner || !vma.is_mapped()) return false;
        at = vma.end;
    }
    return at >= end;
}

Result<void> AddressSpace::protect(std::uint64_t start, std::uint64_t end, int prot, int owner) {
    if (!covered(start, end, owner)) return base::Error::from_errno(ENOMEM);
    TRY(isolate(start, end));
    for (std::size_t i = first_ending_after(start); i < vmas_.size() && vmas_[i].start < end; ++i) {
        vmas_[i].prot = prot;
        if (prot & PROT_WRITE) vmas_[i].ever_writable = true;
    }
    merge_around(start, end);
    return {};
}

void AddressSpace::merge_around(std::uint64_t start, std::uint64_t end) {
    for (std::size_t i = first_ending_after(start > 0 ? start - 1 : 0); i + 1 < vmas_.size();) {
        Vma& a = vmas_[i];
        Vma& b = vmas_[i + 1];
        if (a.start > end) break;
        // Joining fill marks needs memory; without it the two just stay apart.
        if (alike(a, b) && (!a.fills_lazily() || !a.unfilled.try_append(b.unfilled.span()).is_error())) {
            a.end = b.end;
            vmas_.remove(i + 1);
        } else {
            ++i;
        }
    }
}

void AddressSpace::extend(Vma& vma, std::uint64_t new_start, std::uint64_t new_end) {
    vma.offset -= vma.start - new_start;
    vma.start = new_start;
    vma.end = new_end;
}

bool AddressSpace::check(std::uint64_t start, std::uint64_t length, int prot, int owner) {
    if (length == 0) return true;
    std::uint64_t end = start + length;
    if (end < start) return false;
    std::uint64_t at = start;
    for (std::size_t i = first_ending_after(start); i < vmas_.size() && at < end; ++i) {
        const Vma& vma = vmas_[i];
        if (vma.start > at || vma.owner != owner || !vma.is_mapped() || (vma.prot & prot) != prot) return false;
        at = vma.end;
    }
    return at >= end;
}

Vma* AddressSpace::find(std::uint64_t address) {
    std::size_t i = first_ending_after(address);
    if (i < vmas_.size() && vmas_[i].start <= address) return &vmas_[i];
    return nullptr;
}

Vma* AddressSpace::find_next(std::uint64_t address) {
    std::size_t i = first_ending_after(address);
    return i < vmas_.size() ? &vmas_[i] : nullptr;
}

Vma* AddressSpace::find_before(const Vma& vma) {
    std::size_t i = static_cast<std::size_t>(&vma - vmas_.data());
    return i > 0 && i <= vmas_.size() ? &vmas_[i - 1] : nullptr;
}

}  // namespace cella::mm
