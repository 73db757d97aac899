#pragma once
// The one address space every process shares (DESIGN.md section 2). It
// records which ranges are in use, by which process, with what
// protection, and hands out free ranges of the reserved user range. Memory
// outside the range belongs to the LibOS or the host, except fixed-address
// executables that asked for their own addresses.
//
// Callers hold lock() around every call and the host calls that go with it.
#include <cstdint>

#include "libos/base/lock.h"
#include "libos/base/result.h"
#include "libos/base/string.h"
#include "libos/base/vector.h"

namespace cella::mm {

using base::Result;

inline constexpr std::uint64_t kPageSize = 4096;
inline constexpr std::uint64_t page_round_down(std::uint64_t v) { return v & ~(kPageSize - 1); }
inline constexpr std::uint64_t page_round_up(std::uint64_t v) { return (v + kPageSize - 1) & ~(kPageSize - 1); }

enum class VmaKind : std::uint8_t { Anonymous, File, Stack, Heap, HeapReserve };

struct Vma {
    std::uint64_t start;
    std::uint64_t end;
    int prot;
    int flags;  // MAP_PRIVATE / MAP_SHARED
    int owner;  // pid
    VmaKind kind;
    base::String name;  // file path, "[stack]", "[heap]", or empty

    Result<Vma> try_clone() const {
        return Vma{start, end, prot, flags, owner, kind, TRY(name.try_clone())};
    }
};

class AddressSpace {
public:
    void init(std::uint64_t user_base, std::uint64_t user_size);
    std::uint64_t user_base() const { return user_base_; }
    std::uint64_t user_end() const { return user_end_; }

    // A free, page-aligned range of `length` bytes in the user range, at
    // `hint` when that is free.
    Result<std::uint64_t> find_free(std::uint64_t length, std::uint64_t alignment, std::uint64_t hint = 0);
    bool is_free(std::uint64_t start, std::uint64_t end);

    // Records a mapping over a range nobody holds.
    Result<void> insert(Vma vma);
    // Drops the parts of [start, end) that `owner` holds; returns what was
    // removed so the caller can release it at the host.
    Result<void> remove(std::uint64_t start, std::uint64_t end, int owner);
    // Changes protection over [start, end), all of which `owner` must hold (ENOMEM otherwise).
    Result<void> protect(std::uint64_t start, std::uint64_t end, int prot, int owner);
    // Whether `owner` may access [start, start+length) with `prot`.
    bool check(std::uint64_t start, std::uint64_t length, int prot, int owner);
    // Whether owner holds [start, end) completely.
    bool covered(std::uint64_t start, std::uint64_t end, int owner);
    const Vma* find(std::uint64_t address);
    // Drops every mapping of `owner` (process exit), calling release for each.
    template <typename F>
    void remove_all(int owner, F&& release) {
        for (std::size_t i = 0; i < vmas_.size();) {
            if (vmas_[i].owner == owner) {
                release(vmas_[i]);
                vmas_.remove(i);
            } else {
                ++i;
            }
        }
    }
    template <typename F>
    void for_each(int owner, F&& visit) {
        for (const Vma& vma : vmas_)
            if (vma.owner == owner) visit(vma);
    }

    base::Mutex& lock() { return lock_; }

private:
    std::size_t first_ending_after(std::uint64_t address) const;
    Result<void> split_at(std::uint64_t address);

    base::Mutex lock_;
    std::uint64_t user_base_ = 0;
    std::uint64_t user_end_ = 0;
    std::uint64_t next_hint_ = 0;
    base::Vector<Vma> vmas_;  // sorted by start, non-overlapping
};

AddressSpace& address_space();

}  // namespace cella::mm
