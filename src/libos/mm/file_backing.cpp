#include "file_backing.h"

#include <asm-generic/errno.h>

#include <cstring>

#include "host_access.h"
#include "libos/base/alloc.h"
#include "libos/base/hash.h"

namespace cella::mm {
namespace {

using base::Error;

// File data travels through a LibOS buffer of this size: big enough that
// the lock is taken rarely, small enough to come from the heap at once.
constexpr std::size_t kChunkSize = 128 * 1024;

using AliasedWord = std::uint64_t __attribute__((may_alias));

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
void copy_pages(Vma& vma, std::uint64_t at, std::uint64_t stop, const std::uint8_t* source, bool unchanged_only) {
    for (; at < stop; at += kPageSize, source += kPageSize) {
        std::size_t index = (at - vma.start) / kPageSize;
        auto* page = reinterpret_cast<std::uint8_t*>(at);
        // A page not read yet will be read from the file when touched.
        if (vma.is_unfilled(at)) continue;
        if (unchanged_only && vma.writes_back() && page_checksum(page) != vma.page_sums[index]) continue;
        std::memcpy(page, source, kPageSize);
        if (vma.writes_back()) vma.page_sums[index] = page_checksum(source);
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
        if (vma->owner == fill.owner && vma->file.get() == fill.file.get() &&
            vma->offset_of(at) == fill.offset + (at - fill.address)) {
            const std::uint8_t* source = data + (at - fill.address - skip);
            TRY(with_host_access(*vma, at, stop, PROT_READ | PROT_WRITE,
                                 [&] { copy_pages(*vma, at, stop, source, fill.unchanged_only); }));
        }
        at = stop;
    }
    return {};
}

Result<void> write_fully(fs::Inode& inode, std::uint64_t offset, const std::uint8_t* data, std::uint64_t length) {
    std::uint64_t done = 0;
    while (done < length) {
        std::size_t n = TRY(inode.write_at(offset + done, {data + done, length - done}));
        if (n == 0) return Error::from_errno(EIO);
        done += n;
    }
    return {};
}

template <typename Word>
constexpr std::uint64_t checksum_words(Word word) {
    constexpr std::uint64_t kOdd = 0x9e3779b97f4a7c15ull;
    // Four independent lanes, so the multiplies overlap in the pipeline.
    std::uint64_t lane[4] = {0x243f6a8885a308d3ull, 0x13198a2e03707344ull, 0xa4093822299f31d0ull,
                             0x082efa98ec4e6c89ull};
    for (std::size_t i = 0; i < kPageSize / 8; i += 4)
        for (std::size_t l = 0; l < 4; ++l) {
            std::uint64_t v = (lane[l] ^ word(i + l)) * kOdd;
            lane[l] = (v << 29) | (v >> 35);
        }
    return base::mix64(lane[0] ^ base::mix64(lane[1] ^ base::mix64(lane[2] ^ base::mix64(lane[3]))));
}

constexpr std::uint64_t kZeroPageChecksum = checksum_words([](std::size_t) { return std::uint64_t{0}; });

}  // namespace

std::uint64_t page_checksum(const void* page) {
    const auto* words = static_cast<const AliasedWord*>(page);
    return checksum_words([words](std::size_t i) { return words[i]; });
}

std::uint64_t zero_page_checksum() { return kZeroPageChecksum; }

Result<void> start_tracking(Vma& vma) {
    std::size_t pages = vma.size() / kPageSize;
    TRY(vma.page_sums.try_reserve(pages));
    for (std::size_t i = 0; i < pages; ++i) TRY(vma.page_sums.try_append(kZeroPageChecksum));
    return {};
}

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

Result<void> write_back(Vma& vma, std::uint64_t start, std::uint64_t end) {
    if (!vma.writes_back() || !vma.file || !vma.file->inode()) return {};
    fs::Inode& inode = *vma.file->inode();
    const std::uint64_t file_size = inode.stat().size;
    Result<void> result;
    // Changed pages next to each other go to the file in one write.
    std::uint64_t run_start = 0, run_end = 0;
    auto flush = [&] {
        if (run_start == run_end) return;
        std::uint64_t offset = vma.offset_of(run_start);
        std::uint64_t length = run_end - run_start;
        if (length > file_size - offset) length = file_size - offset;
        auto written = write_fully(inode, offset, reinterpret_cast<const std::uint8_t*>(run_start), length);
        if (written.is_error()) {
            // Keep the pages changed, so a later msync or munmap tries again.
            for (std::uint64_t at = run_start; at < run_end; at += kPageSize)
                vma.page_sums[(at - vma.start) / kPageSize] ^= 1;
            result = written.error();
        }
        run_start = run_end = 0;
    };
    TRY(with_host_access(vma, start, end, PROT_READ, [&] {
        for (std::uint64_t at = start; at < end && vma.offset_of(at) < file_size; at += kPageSize) {
            std::uint64_t& recorded = vma.page_sums[(at - vma.start) / kPageSize];
            std::uint64_t now = page_checksum(reinterpret_cast<const void*>(at));
            if (now == recorded) {
                flush();
                continue;
            }
            recorded = now;
            if (run_end != at) {
                flush();
                run_start = at;
            }
            run_end = at + kPageSize;
        }
        flush();
    }));
    return result;
}

}  // namespace cella::mm
