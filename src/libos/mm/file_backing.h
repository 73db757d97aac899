#pragma once
// File mappings. The LibOS's files live inside the enclave (imagefs,
// ramfs), with no host page cache to map, so a file mapping is anonymous
// memory that holds a copy of the file. A shared mapping of a file opened
// for writing sends the pages the application changed back to the file on
// msync, munmap, a mapping that replaces it, exec and exit. The host gives
// no dirty bits, so each such page keeps a checksum of what it held when it
// last agreed with the file, and a page whose checksum differs is written.
//
// What this gives up against Linux's single page cache: a mapping and the
// file (read()/write(), or a second mapping of it) agree at msync points,
// not at every store. A read() after msync sees the mapping's writes;
// msync(MS_INVALIDATE) brings the file's changes into the pages the
// mapping left alone. Two mappings that change different pages both reach
// the file; when both change one page, the last to write back wins.
#include <cstdint>

#include "address_space.h"

namespace cella::mm {

// A 64-bit checksum of one page. Not cryptographic: a collision can only
// make the application lose its own write to its own file.
std::uint64_t page_checksum(const void* page);
// What a fresh, never-written page sums to.
std::uint64_t zero_page_checksum();

// Sets vma.page_sums for a mapping whose pages all read zero (just made).
Result<void> start_tracking(Vma& vma);

// Copying file data into a mapping, done after the address space is
// unlocked: reading a file may need the map itself (/proc/PID/maps).
struct PendingFill {
    base::RefPtr<fs::OpenFile> file = nullptr;
    int owner = 0;
    std::uint64_t address = 0;
    std::uint64_t length = 0;
    std::uint64_t offset = 0;  // in the file, of `address`
    // Only the pages the application has not changed since they last
    // matched the file (msync with MS_INVALIDATE).
    bool unchanged_only = false;
};

// Call without the lock. The file is read into a LibOS buffer unlocked;
// each piece is then copied, under the lock, only into pages that still
// map this file at this offset for this owner, so a racing munmap or
// mmap cannot redirect the copy into other memory. Stops at end of file.
Result<void> fill_from_file(const PendingFill& fill);

// Lock held. Writes the pages of vma in [start, end) whose contents
// changed since they last matched the file (only bytes below the file's
// size: Linux does not grow a file through a mapping).
Result<void> write_back(Vma& vma, std::uint64_t start, std::uint64_t end);

}  // namespace cella::mm
