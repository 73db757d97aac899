#include "lazy_fill.h"

#include <asm-generic/errno.h>
#include <asm/unistd.h>
#include <linux/mman.h>

#include <cstring>

#include "heap.h"
#include "libos/base/panic.h"
#include "libos/host/host.h"

namespace cella::mm {
namespace {

// Guarded by the address space's lock, as every caller holds it.
std::uint64_t g_fill_generation = 0;

// The largest window; a longer fill goes in pieces of this size.
constexpr std::uint64_t kScratchSize = kFillWindow;

std::uint64_t min(std::uint64_t a, std::uint64_t b) { return a < b ? a : b; }
std::uint64_t max(std::uint64_t a, std::uint64_t b) { return a > b ? a : b; }

// The end of the run of pages from `at` (below `end`) that are alike: all
// filled or all unfilled.
std::uint64_t run_end(const Vma& vma, std::uint64_t at, std::uint64_t end) {
    if (!vma.fills_lazily()) return end;
    bool unfilled = vma.unfilled[vma.page_index(at)] != 0;
    std::uint64_t next = at + kPageSize;
    while (next < end && (vma.unfilled[vma.page_index(next)] != 0) == unfilled) next += kPageSize;
    return next;
}

// [start, end) rounded out to pages and cut to the mapping.
bool clip(const Vma& vma, std::uint64_t& start, std::uint64_t& end) {
    start = max(page_round_down(start), vma.start);
    end = min(page_round_up(end) < end ? vma.end : page_round_up(end), vma.end);
    return start < end;
}

void mark(Vma& vma, std::uint64_t start, std::uint64_t end, std::uint8_t unfilled) {
    for (std::uint64_t at = start; at < end; at += kPageSize) vma.unfilled[vma.page_index(at)] = unfilled;
}

// Pages are read off to the side, in a scratch area of the LibOS heap, and
// only then put in place, so that another thread of the application
// touching them meanwhile faults and waits for the lock, and never sees a
// page half read. (Reading them in place would need them accessible, to
// every thread, before they hold the file's bytes.) They go in by a host
// write into the still inaccessible pages, which are then opened: no step
// takes access away from a present page, so none costs a TLB shootdown,
// which in the one address space of the enclave reaches every CPU that
// runs any of its threads (moving the pages in cost two: the mremap, and
// closing the scratch pages to the mapping's protection first). A host
// that cannot write inaccessible pages gets them moved in.
class Scratch {
public:
    // The area, writable and backed; its bytes are what the last fill left.
    Result<std::uint64_t> writable() {
        if (!address_) {
            void* block = kernel_heap().allocate(kScratchSize + kPageSize);
            if (!block) return base::Error::from_errno(ENOMEM);
            address_ = page_round_up(reinterpret_cast<std::uint64_t>(block));  // the heap's header stays below
            prot_ = PROT_READ | PROT_WRITE;
        }
        if (prot_ != (PROT_READ | PROT_WRITE)) {
            TRY(host::protect(address_, kScratchSize, PROT_READ | PROT_WRITE));
            prot_ = PROT_READ | PROT_WRITE;
        }
        if (!backed_) {
            // One host call backs the pages instead of a host fault per page.
            (void)host::populate_write(address_, kScratchSize);
            backed_ = true;
        }
        return address_;
    }

    // Puts the first `length` bytes at `target` (inaccessible and empty)
    // and gives it `prot`; of them only the first `content` bytes need
    // writing, the rest are zero.
    Result<void> place(std::uint64_t target, std::uint64_t length, std::uint64_t content, int prot) {
        content = page_round_up(content);
        if (host_writes_) {
            auto written = content ? host::write_inaccessible(
                                         target, {reinterpret_cast<const std::uint8_t*>(address_), content})
                                   : Result<void>();
            if (!written.is_error()) return host::protect(target, length, prot);
            host_writes_ = false;
            // What the write did put in goes: the move replaces it.
        }
        return move_to(target, length, prot);
    }

    // After a failure: back to writable and empty (zero).
    void empty() {
        (void)writable();
        (void)host::discard(address_, kScratchSize);
        backed_ = false;
    }

private:
    // Moves the first `length` bytes to `target` with `prot`; the pages
    // that were at `target` go.
    Result<void> move_to(std::uint64_t target, std::uint64_t length, int prot) {
        if (prot != prot_) {
            if (auto changed = host::protect(address_, length, prot); changed.is_error()) {
                empty();
                return changed.error();
            }
            prot_ = prot;
        }
        if (!host::move_pages(address_, target, length).is_error()) {
            backed_ = false;
            return {};
        }
        // The host cannot move them (a kernel before 5.7). A failed move may
        // have unmapped the target already, so it is mapped again and the
        // bytes are copied instead (visible to other threads meanwhile).
        Result<void> result = host::map_anonymous_fixed(target, length, PROT_NONE);
        if (!result.is_error()) result = copy_to(target, length, prot);
        empty();
        return result;
    }

    Result<void> copy_to(std::uint64_t target, std::uint64_t length, int prot) {
        TRY(writable());
        TRY(host::protect(target, length, PROT_READ | PROT_WRITE));
        std::memcpy(reinterpret_cast<void*>(target), reinterpret_cast<const void*>(address_), length);
        // Failing leaves the pages more open than asked, never less.
        if (prot != (PROT_READ | PROT_WRITE)) (void)host::protect(target, length, prot);
        return {};
    }

    std::uint64_t address_ = 0;
    int prot_ = 0;
    bool backed_ = false;
    bool host_writes_ = true;
};

// Guarded by the address space's lock.
constinit Scratch g_scratch;
CodeFillHook g_code_fill_hook = nullptr;

// Reads the file's bytes for [start, end) of vma (at most the scratch
// area) into `into`, writable; how many bytes from `into` hold content.
// Past them up to the page's end it writes zeros: beyond the end of a
// file, Linux's pages read zero.
Result<std::uint64_t> read_file(const Vma& vma, std::uint64_t start, std::uint64_t end, std::uint64_t into) {
    std::uint64_t offset = vma.offset_of(start);
    std::uint64_t available = end - start;
    if (fs::Inode* inode = vma.file->inode()) {
        std::uint64_t size = inode->stat().size;
        available = size <= offset ? 0 : min(size - offset, available);
    }
    if (available == 0) return available;
    auto* at = reinterpret_cast<std::uint8_t*>(into);
    std::uint64_t done = 0;
    while (done < available) {
        std::size_t n = TRY(vma.file->pread({at + done, available - done}, offset + done));
        if (n == 0) break;  // the file shrank: the rest reads zero
        done += n;
    }
    std::memset(at + done, 0, page_round_up(done) - done);
    return done;
}

// [start, end) of vma is unfilled throughout and at most the scratch area.
Result<void> fill_piece(Vma& vma, std::uint64_t start, std::uint64_t end) {
    std::uint64_t scratch = TRY(g_scratch.writable());
    auto read = read_file(vma, start, end, scratch);
    if (read.is_error()) {
        g_scratch.empty();
        return read.error();
    }
    if ((vma.prot & PROT_EXEC) && g_code_fill_hook) g_code_fill_hook(address_space(), vma, start, end, scratch);
    TRY(g_scratch.place(start, end - start, read.value(), vma.prot));
    mark(vma, start, end, 0);
    ++g_fill_generation;
    return {};
}

}  // namespace

Result<void> track_fill(Vma& vma, bool filled) {
    std::size_t pages = vma.size() / kPageSize;
    TRY(vma.unfilled.try_resize(pages));
    std::memset(vma.unfilled.data(), filled ? 0 : 1, pages);
    return {};
}

bool any_unfilled(const Vma& vma, std::uint64_t start, std::uint64_t end) {
    if (!vma.fills_lazily() || !clip(vma, start, end)) return false;
    for (std::uint64_t at = start; at < end; at += kPageSize)
        if (vma.unfilled[vma.page_index(at)]) return true;
    return false;
}

void set_code_fill_hook(CodeFillHook hook) { g_code_fill_hook = hook; }

Result<void> fill(Vma& vma, std::uint64_t start, std::uint64_t end) {
    if (!vma.fills_lazily() || !vma.file || !clip(vma, start, end)) return {};
    bool filled_any = false;
    for (std::uint64_t at = start; at < end;) {
        std::uint64_t next = run_end(vma, at, end);
        if (vma.unfilled[vma.page_index(at)]) {
            for (std::uint64_t piece = at; piece < next; piece += kScratchSize)
                TRY(fill_piece(vma, piece, min(piece + kScratchSize, next)));
            filled_any = true;
        }
        at = next;
    }
    if (filled_any && (vma.prot & PROT_EXEC) && g_code_fill_hook) g_code_fill_hook(address_space(), vma, start, end, 0);
    return {};
}


Result<void> fill_range(AddressSpace& space, int owner, std::uint64_t start, std::uint64_t end) {
    if (start >= end) return {};
    Result<void> result;
    space.for_each_in(start, end, [&](Vma& vma) {
        if (result.is_error() || vma.owner != owner || !any_unfilled(vma, start, end)) return;
        std::uint64_t window = fill_window(vma);
        std::uint64_t from = start & ~(window - 1);
        std::uint64_t to = end > ~std::uint64_t{0} - window ? end : (end + window - 1) & ~(window - 1);
        result = fill(vma, from, to);
    });
    return result;
}

Result<void> protect_at_host(const Vma& vma, std::uint64_t start, std::uint64_t end, int prot) {
    if (!any_unfilled(vma, start, end)) return host::protect(start, end - start, prot);
    for (std::uint64_t at = start; at < end;) {
        std::uint64_t next = run_end(vma, at, end);
        TRY(host::protect(at, next - at, vma.unfilled[vma.page_index(at)] ? PROT_NONE : prot));
        at = next;
    }
    return {};
}

Result<void> unfill(Vma& vma, std::uint64_t start, std::uint64_t end) {
    if (!vma.fills_lazily() || !clip(vma, start, end)) return {};
    // Zero and inaccessible again (the range stays ours at the host).
    TRY(host::decommit(start, end - start));
    mark(vma, start, end, 1);
    return {};
}

std::uint64_t fill_generation() { return g_fill_generation; }

}  // namespace cella::mm
