#pragma once
// The memory half of a sequential fork (process.fork = "sequential"). One
// address space cannot give a child a copy of its parent's memory, but
// for as long as the parent waits the child can run on the parent's
// memory itself, as a vfork child does, if the parent gets its memory
// back afterwards: a snapshot taken at fork is put back when the child
// execs or exits.
//
// What a snapshot saves: the contents of the pages only the parent's own
// writes could have made — private mappings that have ever been writable
// (Vma::ever_writable), and shared copies of a read-only file — and only
// the pages the host has backed; everything else is zero or the file's
// bytes and comes back from there. Shared pages (Vma::pages) are never
// saved: the parent sees what the child wrote to them, as on Linux, and
// a shared mapping the child took away is mapped onto them again. It keeps a copy of every mapping record, so whatever
// the child maps, unmaps, protects or moves is undone: a mapping the child
// left exactly as it was keeps its pages (only the saved ones are copied
// back), any other is remade from the saved pages, zero and its file.
//
// The saved bytes live in the LibOS heap (resource_limits.
// kernel_space_heap_size); a parent that has written more than that holds
// cannot fork (ENOMEM).
#include <cstdint>

#include "address_space.h"
#include "libos/base/own_ptr.h"
#include "libos/base/result.h"
#include "libos/base/vector.h"

namespace cella::mm {

class MemorySnapshot {
public:
    MemorySnapshot() = default;
    // Snapshots every mapping `owner` holds.
    static Result<base::OwnPtr<MemorySnapshot>> take(int owner);

    // Puts `owner`'s mappings back as they were at take(). Fails only if
    // the host refuses a mapping, or another process took a range the
    // child gave up meanwhile; the parent's memory is then not whole.
    Result<void> restore();

    std::uint64_t saved_bytes() const { return saved_bytes_; }

private:
    struct SavedRun {
        std::uint64_t start;
        base::Vector<std::uint8_t> bytes;
        std::uint64_t end() const { return start + bytes.size(); }
    };
    struct Region {
        Vma vma;
        base::Vector<SavedRun> runs;  // ascending, inside vma
    };

    Result<void> save(Region& region);
    Result<void> put_back_kept(const Region& region, Vma& current);
    Result<void> remake(Region& region);

    int owner_ = 0;
    base::Vector<Region> regions_;  // ascending
    std::uint64_t saved_bytes_ = 0;
};

}  // namespace cella::mm
