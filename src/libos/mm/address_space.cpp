#include "address_space.h"

#include <asm-generic/errno.h>

#include "libos/base/global.h"

namespace cella::mm {
namespace {
base::Global<AddressSpace> g_address_space;
}

AddressSpace& address_space() {
    if (!g_address_space.is_constructed()) g_address_space.construct();
    return g_address_space.get();
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

Result<std::uint64_t> AddressSpace::find_free(std::uint64_t length, std::uint64_t alignment, std::uint64_t hint) {
    if (length == 0 || length > user_end_ - user_base_) return base::Error::from_errno(ENOMEM);
    if (alignment < kPageSize) alignment = kPageSize;
    auto align_up = [&](std::uint64_t v) { return (v + alignment - 1) & ~(alignment - 1); };
    if (hint && hint % alignment == 0 && hint >= user_base_ && hint <= user_end_ - length &&
        is_free(hint, hint + length))
        return hint;
    // Next fit from where the last search ended, then from the bottom: keeps
    // fresh mappings from reusing just-freed addresses at once.
    for (std::uint64_t from : {next_hint_, user_base_}) {
        std::uint64_t candidate = align_up(from);
        std::size_t i = first_ending_after(candidate);
        while (candidate <= user_end_ && length <= user_end_ - candidate) {
            if (i == vmas_.size() || vmas_[i].start >= candidate + length) {
                next_hint_ = candidate + length;
                return candidate;
            }
            candidate = align_up(vmas_[i].end);
            ++i;
        }
    }
    return base::Error::from_errno(ENOMEM);
}

Result<void> AddressSpace::insert(Vma vma) {
    if (vma.start >= vma.end || vma.start % kPageSize || vma.end % kPageSize) return base::Error::from_errno(EINVAL);
    std::size_t i = first_ending_after(vma.start);
    if (i < vmas_.size() && vmas_[i].start < vma.end) return base::Error::from_errno(EEXIST);
    return vmas_.try_insert(i, std::move(vma));
}

Result<void> AddressSpace::split_at(std::uint64_t address) {
    std::size_t i = first_ending_after(address);
    if (i == vmas_.size() || vmas_[i].start >= address) return {};
    Vma upper = TRY(vmas_[i].try_clone());
    upper.start = address;
    vmas_[i].end = address;
    return vmas_.try_insert(i + 1, std::move(upper));
}

Result<void> AddressSpace::remove(std::uint64_t start, std::uint64_t end, int owner) {
    TRY(split_at(start));
    TRY(split_at(end));
    for (std::size_t i = first_ending_after(start); i < vmas_.size() && vmas_[i].start < end;) {
        if (vmas_[i].owner == owner)
            vmas_.remove(i);
        else
            ++i;
    }
    return {};
}

bool AddressSpace::covered(std::uint64_t start, std::uint64_t end, int owner) {
    std::uint64_t at = start;
    for (std::size_t i = first_ending_after(start); i < vmas_.size() && at < end; ++i) {
        const Vma& vma = vmas_[i];
        if (vma.start > at || vma.owner != owner) return false;
        at = vma.end;
    }
    return at >= end;
}

Result<void> AddressSpace::protect(std::uint64_t start, std::uint64_t end, int prot, int owner) {
    if (!covered(start, end, owner)) return base::Error::from_errno(ENOMEM);
    TRY(split_at(start));
    TRY(split_at(end));
    for (std::size_t i = first_ending_after(start); i < vmas_.size() && vmas_[i].start < end; ++i)
        vmas_[i].prot = prot;
    // Merge neighbours that now look alike, so the map does not fragment.
    for (std::size_t i = first_ending_after(start > 0 ? start - 1 : 0); i + 1 < vmas_.size();) {
        Vma& a = vmas_[i];
        Vma& b = vmas_[i + 1];
        if (a.start > end) break;
        if (a.end == b.start && a.prot == b.prot && a.flags == b.flags && a.owner == b.owner && a.kind == b.kind &&
            a.name.view() == b.name.view()) {
            a.end = b.end;
            vmas_.remove(i + 1);
        } else {
            ++i;
        }
    }
    return {};
}

bool AddressSpace::check(std::uint64_t start, std::uint64_t length, int prot, int owner) {
    if (length == 0) return true;
    std::uint64_t end = start + length;
    if (end < start) return false;
    std::uint64_t at = start;
    for (std::size_t i = first_ending_after(start); i < vmas_.size() && at < end; ++i) {
        const Vma& vma = vmas_[i];
        if (vma.start > at || vma.owner != owner || (vma.prot & prot) != prot) return false;
        at = vma.end;
    }
    return at >= end;
}

const Vma* AddressSpace::find(std::uint64_t address) {
    std::size_t i = first_ending_after(address);
    if (i < vmas_.size() && vmas_[i].start <= address) return &vmas_[i];
    return nullptr;
}

}  // namespace cella::mm
