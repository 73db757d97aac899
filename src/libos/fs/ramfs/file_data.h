#pragma once
// A ramfs file's bytes. A small file keeps them in the LibOS heap: most
// files are small, and one host object per file would soon meet the
// host's limit on open files. A file that grows past kInlineLimit, is
// given space by fallocate, or is mapped MAP_SHARED moves them into
// mm::SharedPages for good. There they are sparse (a write at a 3 GiB
// offset allocates one page), holes, SEEK_DATA/SEEK_HOLE and fallocate
// behave as on tmpfs, and they are the file's page cache: every shared
// mapping sees a write() at once, and read() sees stores made through a
// mapping.
//
// Space is taken in write(), resize() and allocate() only (and at the
// move into pages, which copies what the heap held), so that a volume's
// size limit can be charged there. Stores through a shared mapping
// allocate host pages too; allocated() counts them.
#include <cstdint>
#include <span>

#include "libos/base/atomic.h"
#include "libos/base/lock.h"
#include "libos/base/own_ptr.h"
#include "libos/base/result.h"
#include "libos/base/vector.h"
#include "libos/mm/shared_pages.h"

namespace cella::fs::ramfs {

using base::Result;

class FileData {
public:
    static constexpr std::uint64_t kInlineLimit = 64 * 1024;
    static constexpr std::uint64_t kMaxSize = std::uint64_t{1} << 40;

    std::uint64_t size() const { return size_.load(base::MemoryOrder::Relaxed); }
    // Bytes the file holds pages for (st_blocks * 512): whole pages, as tmpfs counts.
    std::uint64_t allocated() const;

    Result<std::size_t> read(std::uint64_t offset, std::span<std::uint8_t> out);
    Result<std::size_t> write(std::uint64_t offset, std::span<const std::uint8_t> data);
    Result<void> resize(std::uint64_t size);
    // fallocate(2) as tmpfs serves it: mode 0, FALLOC_FL_KEEP_SIZE and
    // FALLOC_FL_PUNCH_HOLE|FALLOC_FL_KEEP_SIZE; EOPNOTSUPP for the rest.
    Result<void> allocate(int mode, std::uint64_t offset, std::uint64_t length);
    // lseek's SEEK_DATA (hole false) and SEEK_HOLE.
    Result<std::uint64_t> seek(std::uint64_t offset, bool hole);
    // The file's page cache, made on first use.
    Result<base::RefPtr<mm::SharedPages>> shared_pages();

private:
    // Lock held.
    Result<void> move_to_pages();
    // Lock held: moves a small file that is about to reach `end` into
    // pages when it would pass kInlineLimit; if the host has no room for
    // another object, the heap keeps it.
    Result<void> make_room(std::uint64_t end);
    Result<void> grow_inline(std::uint64_t size);

    mutable base::Mutex lock_;
    base::Vector<std::uint8_t> inline_;
    base::RefPtr<mm::SharedPages> pages_;
    base::Atomic<std::uint64_t> size_{0};
};

}  // namespace cella::fs::ramfs
