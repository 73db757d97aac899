#include "file_backing.h"

#include <asm-generic/errno.h>

#include <cstring>

#include "host_access.h"
#include "libos/base/alloc.h"

namespace cella::mm {
namespace {

using base::Error;

// File data travels through a LibOS buffer of this size: big enough that
// the lock is taken rarely, small enough to come from the heap at once.
constexpr std::size_t kChunkSize = 128 * 1024;

class ChunkBuffer {
public:
    ChunkBuffer() : data_(static_cast<std::uint8_t*>(base::allocate(kChunkSize))) {}
    ~ChunkBuffer() {
        if (data_) base::deallocate(data_);
    }
    ChunkBuffer(const ChunkBuffer&) = delete;
    ChunkBuffer& operator=(const ChunkBuffer&) = delete;
    std::uint8_t* data() { return data_; }

private:
    std::uint8_t* data_;
};

// Lock held. Copies whole pages from `source` to [at, stop), which lies in `vma`.
void copy_pages(Vma& vma, std::uint64_t at, std::uint64_t stop, const std::uint8_t* source) {
    for (; at < stop; at += kPageSize, source += kPageSize) {
        // A page not read yet will be read from the file when touched.
        if (vma.is_unfilled(at)) continue;
        std::memcpy(reinterpret_cast<void*>(at), source, kPageSize);
    }
}

// Lock held. Puts `bytes` (whole pages) of file data, read for
// fill.address + skip, into the pages that still map that part of the file.
Result<void> place(AddressSpace& space, const PendingFill& fill, std::uint64_t skip, const std::uint8_t* data,
                   std::uint64_t bytes) {
    std::uint64_t at = fill.address + skip;
    const std::uint64_t end = at + bytes;
    while (at < end) {
        Vma* vma = space.find(at);
        if (!vma) {
            Vma* next = space.find_next(at);
            at = next && next->start < end ? next->start : end;
            continue;
        }
        std::uint64_t stop = vma->end < end ? vma->end : end;
        if (vma->owner == fill.owner && vma->file.get() == fill.file.get() && !vma->pages &&
            vma->offset_of(at) == fill.offset + (at - fill.address)) {
            const std::uint8_t* source = data + (at - fill.address - skip);
            TRY(with_host_access(*vma, at, stop, PROT_READ | PROT_WRITE,
                                 [&] { copy_pages(*vma, at, stop, source); }));
        }
        at = stop;
    }
    return {};
}

}  // namespace

Result<void> fill_from_file(const PendingFill& fill) {
    if (!fill.file || fill.length == 0) return {};
    ChunkBuffer buffer;
    if (!buffer.data()) return Error::from_errno(ENOMEM);
    AddressSpace& space = address_space();
    for (std::uint64_t done = 0; done < fill.length;) {
        std::uint64_t want = fill.length - done < kChunkSize ? fill.length - done : kChunkSize;
        std::uint64_t got = 0;
        while (got < want) {
            std::size_t n = TRY(fill.file->pread({buffer.data() + got, want - got}, fill.offset + done + got));
            if (n == 0) break;  // end of file: the rest of the mapping stays zero
            got += n;
        }
        if (got == 0) break;
        // The part of the last page past end of file reads zero, as on Linux.
        std::uint64_t bytes = page_round_up(got);
        std::memset(buffer.data() + got, 0, bytes - got);
        {
            base::ScopedLock guard(space.lock());
            TRY(place(space, fill, done, buffer.data(), bytes));
        }
        if (got < want) break;
        done += want;
    }
    return {};
}

}  // namespace cella::mm
