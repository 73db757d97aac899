#include "smaps.h"

#include <linux/mman.h>

#include <initializer_list>

#include "libos/mm/memory_ops.h"
#include "maps.h"
#include "process_info.h"

namespace cella::fs::procfs {
namespace {

// The figures of one mapping, or of all of them. Resident bytes are what
// the host has really backed (mincore); the LibOS does not count how many
// processes map a page, so a shared mapping's pages are all counted as
// shared and Pss is Rss. Private pages of a mapping that was ever
// writable (see written()), or of anonymous memory, count as dirty; the
// rest as clean.
struct Figures {
    std::uint64_t size = 0;
    std::uint64_t rss = 0;
    std::uint64_t shared_clean = 0, shared_dirty = 0;
    std::uint64_t private_clean = 0, private_dirty = 0;
    std::uint64_t anonymous = 0;
    std::uint64_t file = 0;   // rollup's Pss_File
    std::uint64_t shmem = 0;  // rollup's Pss_Shmem
    std::uint64_t locked = 0;

    void add(const Figures& other) {
        size += other.size;
        rss += other.rss;
        shared_clean += other.shared_clean;
        shared_dirty += other.shared_dirty;
        private_clean += other.private_clean;
        private_dirty += other.private_dirty;
        anonymous += other.anonymous;
        file += other.file;
        shmem += other.shmem;
        locked += other.locked;
    }
    std::uint64_t dirty() const { return shared_dirty + private_dirty; }
};

using LockedRanges = base::Vector<process::Process::LockedRange>;

Result<LockedRanges> locked_ranges_of(process::Process& process) {
    LockedRanges copy;
    base::ScopedLock guard(process.locked_lock());
    for (const process::Process::LockedRange& range : process.locked_ranges) TRY(copy.try_append(range));
    return copy;
}

std::uint64_t locked_within(const LockedRanges& ranges, std::uint64_t start, std::uint64_t end) {
    std::uint64_t total = 0;
    for (const process::Process::LockedRange& range : ranges) {
        std::uint64_t first = range.start > start ? range.start : start;
        std::uint64_t last = range.end < end ? range.end : end;
        if (first < last) total += last - first;
    }
    return total;
}

// Whether the mapping's private pages have been written: ever writable.
// The loader writes every segment of a program or library as it copies
// them in, so for those (a file's name, no open file) only the segments
// that stay writable count.
bool written(const Mapping& mapping) {
    bool loaded = mapping.kind == mm::VmaKind::File && !mapping.file && !mapping.shared_memory;
    return loaded ? (mapping.prot & PROT_WRITE) != 0 : mapping.ever_writable;
}

Figures figures_of(int owner, const Mapping& mapping, const LockedRanges& locked) {
    Figures figures;
    figures.size = mapping.end - mapping.start;
    figures.rss = mm::resident_bytes_in(owner, mapping.start, mapping.end).value_or(0);
    bool anonymous = mapping.kind != mm::VmaKind::File && !mapping.shared_memory;
    if (mapping.shared || mapping.shared_memory) {
        (written(mapping) ? figures.shared_dirty : figures.shared_clean) = figures.rss;
        if (mapping.shared_memory || !mapping.file) figures.shmem = figures.rss;
        else figures.file = figures.rss;
    } else if (anonymous || written(mapping)) {
        figures.private_dirty = figures.rss;
        figures.anonymous = figures.rss;
    } else {
        figures.private_clean = figures.rss;
        figures.file = figures.rss;
    }
    std::uint64_t locked_bytes = locked_within(locked, mapping.start, mapping.end);
    figures.locked = locked_bytes < figures.rss ? locked_bytes : figures.rss;
    return figures;
}

Result<void> append_kb(TextBuilder& out, const char* label, std::uint64_t bytes) {
    return out.appendf("%-16s%8lu kB\n", label, bytes >> 10);
}

// Rss through Locked, the lines smaps and smaps_rollup share; `rollup`
// adds Pss_Anon, Pss_File and Pss_Shmem after Pss_Dirty, as Linux does.
Result<void> append_figures(TextBuilder& out, const Figures& figures, bool rollup) {
    TRY(append_kb(out, "Rss:", figures.rss));
    TRY(append_kb(out, "Pss:", figures.rss));
    TRY(append_kb(out, "Pss_Dirty:", figures.dirty()));
    if (rollup) {
        TRY(append_kb(out, "Pss_Anon:", figures.anonymous));
        TRY(append_kb(out, "Pss_File:", figures.file));
        TRY(append_kb(out, "Pss_Shmem:", figures.shmem));
    }
    TRY(append_kb(out, "Shared_Clean:", figures.shared_clean));
    TRY(append_kb(out, "Shared_Dirty:", figures.shared_dirty));
    TRY(append_kb(out, "Private_Clean:", figures.private_clean));
    TRY(append_kb(out, "Private_Dirty:", figures.private_dirty));
    TRY(append_kb(out, "Referenced:", figures.rss));
    TRY(append_kb(out, "Anonymous:", figures.anonymous));
    for (const char* none : {"KSM:", "LazyFree:", "AnonHugePages:", "ShmemPmdMapped:", "FilePmdMapped:",
                             "Shared_Hugetlb:", "Private_Hugetlb:", "Swap:", "SwapPss:"})
        TRY(append_kb(out, none, 0));
    return append_kb(out, "Locked:", figures.locked);
}

// Linux's two-letter VM_* names, for what the LibOS knows of a mapping.
Result<void> append_vm_flags(TextBuilder& out, const Mapping& mapping, bool locked) {
    bool shared = mapping.shared || mapping.shared_memory;
    TRY(out.append("VmFlags:"));
    auto flag = [&](bool set, const char* name) -> Result<void> { return set ? out.appendf(" %s", name) : Result<void>{}; };
    TRY(flag(mapping.prot & PROT_READ, "rd"));
    TRY(flag(mapping.prot & PROT_WRITE, "wr"));
    TRY(flag(mapping.prot & PROT_EXEC, "ex"));
    TRY(flag(shared, "sh"));
    TRY(flag(true, "mr"));
    TRY(flag(!shared || written(mapping), "mw"));
    TRY(flag(true, "me"));
    TRY(flag(shared, "ms"));
    TRY(flag(mapping.kind == mm::VmaKind::Stack, "gd"));
    TRY(flag(locked, "lo"));
    TRY(flag(!shared && written(mapping), "ac"));
    return out.append(" \n");
}

}  // namespace

Result<void> generate_smaps(const Subject& subject, TextBuilder& out) {
    auto process = TRY(find_live_process(subject.pid));
    base::Vector<Mapping> mappings = TRY(mappings_of(subject.pid));
    LockedRanges locked = TRY(locked_ranges_of(*process));
    MapsCursor cursor;
    for (std::size_t i = 0; i < mappings.size(); ++i) {
        const Mapping& mapping = mappings[i];
        TRY(append_maps_line(out, mappings, i, cursor));
        Figures figures = figures_of(subject.pid, mapping, locked);
        TRY(append_kb(out, "Size:", figures.size));
        TRY(append_kb(out, "KernelPageSize:", mm::kPageSize));
        TRY(append_kb(out, "MMUPageSize:", mm::kPageSize));
        TRY(append_figures(out, figures, false));
        TRY(out.appendf("%-16s%8d\n", "THPeligible:", 0));
        TRY(append_vm_flags(out, mapping, locked_within(locked, mapping.start, mapping.end) == figures.size));
    }
    return {};
}

ResidentTotals resident_totals(int pid, const base::Vector<Mapping>& mappings) {
    ResidentTotals totals;
    LockedRanges none;
    for (const Mapping& mapping : mappings) {
        Figures figures = figures_of(pid, mapping, none);
        totals.anonymous += figures.anonymous;
        totals.file += figures.file;
        totals.shmem += figures.shmem;
    }
    return totals;
}

Result<void> generate_smaps_rollup(const Subject& subject, TextBuilder& out) {
    auto process = TRY(find_live_process(subject.pid));
    base::Vector<Mapping> mappings = TRY(mappings_of(subject.pid));
    LockedRanges locked = TRY(locked_ranges_of(*process));
    Figures total;
    for (const Mapping& mapping : mappings) total.add(figures_of(subject.pid, mapping, locked));
    // The first line spans every mapping, as Linux's does.
    std::uint64_t start = mappings.is_empty() ? 0 : mappings[0].start;
    std::uint64_t end = mappings.is_empty() ? 0 : mappings.last().end;
    std::size_t line_start = out.size();
    TRY(out.appendf("%08lx-%08lx ---p 00000000 00:00 0 ", start, end));
    TRY(append_name_column(out, line_start, "[rollup]"));
    return append_figures(out, total, true);
}

}  // namespace cella::fs::procfs
