#pragma once
// The one address space every process shares (DESIGN.md section 2). It
// records which ranges are in use, by which process, with what
// protection, and hands out free ranges of the reserved user range. Memory
// outside the range belongs to the LibOS or the host, except fixed-address
// executables that asked for their own addresses.
//
// Callers hold lock() around every call, every use of a Vma it returns,
// and the host calls that go with them: the LibOS runs several threads.
#include <linux/mman.h>

#include <cstdint>

#include "libos/base/atomic.h"
#include "libos/base/lock.h"
#include "libos/base/own_ptr.h"
#include "libos/base/result.h"
#include "libos/base/string.h"
#include "libos/base/vector.h"
#include "libos/fs/open_file.h"
#include "shared_memory.h"
#include "shared_pages.h"

namespace cella::mm {

using base::Result;

inline constexpr std::uint64_t kPageSize = 4096;
inline constexpr std::uint64_t page_round_down(std::uint64_t v) { return v & ~(kPageSize - 1); }
inline constexpr std::uint64_t page_round_up(std::uint64_t v) { return (v + kPageSize - 1) & ~(kPageSize - 1); }

// Linux keeps this much room below a stack that grows down (stack_guard_gap,
// 256 pages), so that a new mapping does not stop the stack's growth.
inline constexpr std::uint64_t kStackGuardGap = 256 * kPageSize;

// HeapReserve is the range brk() may still grow into: the LibOS holds it so
// nobody else takes it, but for the application it is unmapped.
enum class VmaKind : std::uint8_t { Anonymous, File, Stack, Heap, HeapReserve };

struct Vma {
    std::uint64_t start;
    std::uint64_t end;
    int prot;
    int flags;  // MAP_PRIVATE / MAP_SHARED
    int owner;  // pid
    VmaKind kind;
    base::String name;  // file path, "[stack]", "[heap]", or empty
    // File mappings: the file and the offset in it of `start` (also the
    // offset in `pages`, which a shared anonymous mapping has alone).
    base::RefPtr<fs::OpenFile> file = nullptr;
    std::uint64_t offset = 0;
    // Linux's VM_MAYWRITE: mprotect may add PROT_WRITE (false for a shared
    // mapping of a file opened read-only).
    bool may_write = true;
    bool grows_down = false;  // MAP_GROWSDOWN
    // Shared mappings of pages that are one copy for every process (a
    // file's page cache, shared anonymous memory, shared_pages.h): the
    // host maps them here directly, from `offset` in them.
    base::RefPtr<SharedPages> pages = nullptr;
    // Private file mappings: one entry per page, nonzero while the page has
    // not been read from the file yet; the host keeps such a page
    // inaccessible and zero until it is first touched (lazy_fill.h).
    base::Vector<std::uint8_t> unfilled;
    // Whether the mapping has had PROT_WRITE since it was made: only such
    // a private mapping can hold bytes neither its file nor zero gives back
    // (a fork's memory snapshot saves those, fork_snapshot.h).
    bool ever_writable = false;
    // Memory shared with other processes' mappings (System V shared
    // memory); `offset` is the offset in it of `start`.
    SharedMapping shared;

    bool is_shared() const { return flags & MAP_SHARED; }
    bool is_mapped() const { return kind != VmaKind::HeapReserve; }
    bool fills_lazily() const { return !unfilled.is_empty(); }
    std::size_t page_index(std::uint64_t address) const { return (address - start) / kPageSize; }
    bool is_unfilled(std::uint64_t address) const { return fills_lazily() && unfilled[page_index(address)]; }
    std::uint64_t size() const { return end - start; }
    std::uint64_t offset_of(std::uint64_t address) const { return offset + (address - start); }

    Result<Vma> try_clone() const;
};

class AddressSpace {
public:
    void init(std::uint64_t user_base, std::uint64_t user_size);
    std::uint64_t user_base() const { return user_base_; }
    std::uint64_t user_end() const { return user_end_; }
    bool in_user_range(std::uint64_t start, std::uint64_t end) const { return start >= user_base_ && end <= user_end_; }

    // A free, page-aligned range of `length` bytes in the user range below
    // `below` (0: anywhere), at `hint` when that is free. Running out is
    // recorded (see exhaustion()).
    Result<std::uint64_t> find_free(std::uint64_t length, std::uint64_t alignment, std::uint64_t hint = 0,
                                    std::uint64_t below = 0);
    bool is_free(std::uint64_t start, std::uint64_t end);

    // Records a mapping over a range nobody holds.
    Result<void> insert(Vma vma);
    // Splits mappings so that none straddles `start` or `end`; afterwards
    // every mapping is either inside [start, end) or outside it.
    Result<void> isolate(std::uint64_t start, std::uint64_t end);
    // Drops the parts of [start, end) that `owner` holds.
    Result<void> remove(std::uint64_t start, std::uint64_t end, int owner);
    // Drops the mappings inside [start, end) that match; call isolate()
    // first, so that none reaches outside.
    template <typename F>
    void remove_if(std::uint64_t start, std::uint64_t end, F&& matches) {
        for (std::size_t i = first_ending_after(start); i < vmas_.size() && vmas_[i].start < end;) {
            if (matches(vmas_[i]))
                vmas_.remove(i);
            else
                ++i;
        }
    }
    // Changes protection over [start, end), all of which `owner` must hold (ENOMEM otherwise).
    Result<void> protect(std::uint64_t start, std::uint64_t end, int prot, int owner);
    // Whether `owner` may access [start, start+length) with `prot`.
    bool check(std::uint64_t start, std::uint64_t length, int prot, int owner);
    // Whether owner holds [start, end) completely with mappings the
    // application sees (not the brk reserve).
    bool covered(std::uint64_t start, std::uint64_t end, int owner);
    Vma* find(std::uint64_t address);
    // The first mapping that ends above `address` (it may start above it too).
    Vma* find_next(std::uint64_t address);
    // The mapping just below `vma` (which must be one of ours), if any.
    Vma* find_before(const Vma& vma);
    // Visits every mapping that overlaps [start, end), in order. The
    // visitor may change a mapping's fields but not its start or end.
    template <typename F>
    void for_each_in(std::uint64_t start, std::uint64_t end, F&& visit) {
        for (std::size_t i = first_ending_after(start); i < vmas_.size() && vmas_[i].start < end; ++i)
            visit(vmas_[i]);
    }
    // Moves a mapping's bounds into neighbouring free space (mremap growing
    // in place, a stack growing down); the caller checked the space is free.
    void extend(Vma& vma, std::uint64_t new_start, std::uint64_t new_end);
    // Joins neighbours of [start, end) that look alike, so the map does not fragment.
    void merge_around(std::uint64_t start, std::uint64_t end);
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

    // The last time the user range could not fit a request: `cella run`
    // names resource_limits.user_space_size when the application then dies.
    struct Exhaustion {
        std::uint64_t requested = 0;  // bytes; 0 if it never happened
        std::uint64_t in_use = 0;     // bytes of the user range held then
    };
    Exhaustion exhaustion() const {
        return {exhausted_request_.load(base::MemoryOrder::Relaxed), exhausted_in_use_.load(base::MemoryOrder::Relaxed)};
    }

    base::Mutex& lock() { return lock_; }

private:
    std::size_t first_ending_after(std::uint64_t address) const;
    Result<void> split_at(std::uint64_t address);
    bool fits(std::uint64_t start, std::uint64_t length, std::size_t next_index) const;
    void record_exhaustion(std::uint64_t length);

    base::Mutex lock_;
    std::uint64_t user_base_ = 0;
    std::uint64_t user_end_ = 0;
    std::uint64_t next_hint_ = 0;
    base::Vector<Vma> vmas_;  // sorted by start, non-overlapping
    // Read without the lock by the exit path, which may run on any thread.
    base::Atomic<std::uint64_t> exhausted_request_{0};
    base::Atomic<std::uint64_t> exhausted_in_use_{0};
};

AddressSpace& address_space();

}  // namespace cella::mm
