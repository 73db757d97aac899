#pragma once
// Private file mappings are filled on first touch, as Linux pages them in.
// mmap records the file and offset and marks every page unfilled
// (Vma::unfilled); at the host such a page stays PROT_NONE, uncommitted and
// zero. The first access reads the file into it: by the application
// through a fault (fault.cpp, which fills a window around the page), by
// the LibOS for a syscall buffer (user_memory.cpp). The page then gets the
// mapping's protection. So a program that maps a large library touches
// (and copies from the file) only the pages it uses, and ld.so's mapping of
// a whole library that its segments then replace costs no reading at all.
//
// Invariant: an unfilled page is never written, so it reads zero once
// made accessible; bytes past the end of the file need no reading.
// mprotect changes only Vma::prot for unfilled pages; MADV_DONTNEED (and
// what MREMAP_DONTUNMAP leaves behind) marks pages unfilled again, so the
// file is read anew on the next touch.
#include <cstdint>

#include "address_space.h"

namespace cella::mm {

// Fault-around: a fill covers this much around the page wanted, aligned,
// within the mapping. Each fill has a fixed cost (a fault and its signal,
// a few host calls) that is larger than copying 64 KiB, so it takes many
// pages, code and data alike: a spawn+wait of a static glibc program took
// 1.25x native with 16 KiB code windows and 1.04x with 64 KiB.
inline constexpr std::uint64_t kFillWindow = 64 * 1024;
inline std::uint64_t fill_window(const Vma&) { return kFillWindow; }

// Sets up the marks of a fresh private file mapping: every page unfilled,
// or every page filled (the caller reads the whole file in now).
Result<void> track_fill(Vma& vma, bool filled);

// Whether any page of vma in [start, end) is unfilled.
bool any_unfilled(const Vma& vma, std::uint64_t start, std::uint64_t end);

// Lock held. Reads the file into the unfilled pages of vma in [start, end)
// and gives them vma.prot at the host. On failure the pages not done stay
// unfilled.
Result<void> fill(Vma& vma, std::uint64_t start, std::uint64_t end);

// Lock held. fill() for every mapping of `owner` that overlaps [start, end),
// widened to its fill window: what a syscall is about to touch.
Result<void> fill_range(AddressSpace& space, int owner, std::uint64_t start, std::uint64_t end);

// Lock held. Sets the host protection of [start, end), part of vma: `prot`
// for filled pages, PROT_NONE for unfilled ones.
Result<void> protect_at_host(const Vma& vma, std::uint64_t start, std::uint64_t end, int prot);

// Lock held. Empties [start, end) of a private file mapping that fills
// lazily: the pages read the file again when next touched.
Result<void> unfill(Vma& vma, std::uint64_t start, std::uint64_t end);

// Called (lock held) when fill() has read code for [start, end) of an
// executable mapping: first with the bytes still in the scratch area at
// `staged_at`, before the pages are mapped (nothing can run them, so the
// syscall rewriter applies its file's record with plain writes), then
// with staged_at 0 once they are in place, for what the first call could
// not reach.
using CodeFillHook = void (*)(AddressSpace& space, const Vma& vma, std::uint64_t start, std::uint64_t end,
                              std::uint64_t staged_at);
void set_code_fill_hook(CodeFillHook hook);

// Lock held. Counts fills: a fault on a page that is already filled is
// told apart from a fill racing with it by this (fault.cpp).
std::uint64_t fill_generation();

}  // namespace cella::mm
