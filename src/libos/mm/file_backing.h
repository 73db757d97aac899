#pragma once
// File mappings that hold a copy of their file: private ones asked to
// populate or grown by mremap, and read-only shared ones of a file
// system with no page cache (procfs). Other shared mappings map the
// file's page cache (shared_pages.h), so every view of it agrees at once.
#include <cstdint>

#include "address_space.h"

namespace cella::mm {

// Copying file data into a mapping, done after the address space is
// unlocked: reading a file may need the map itself (/proc/PID/maps).
struct PendingFill {
    base::RefPtr<fs::OpenFile> file = nullptr;
    int owner = 0;
    std::uint64_t address = 0;
    std::uint64_t length = 0;
    std::uint64_t offset = 0;  // in the file, of `address`
};

// Call without the lock. The file is read into a LibOS buffer unlocked;
// each piece is then copied, under the lock, only into pages that still
// map this file at this offset for this owner, so a racing munmap or
// mmap cannot redirect the copy into other memory. Stops at end of file.
Result<void> fill_from_file(const PendingFill& fill);

}  // namespace cella::mm
