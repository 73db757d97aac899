#pragma once
// /proc/PID/smaps (the maps line of each mapping and its memory figures)
// and smaps_rollup (the figures summed), in Linux's format.
#include "mappings.h"
#include "nodes.h"

namespace cella::fs::procfs {

Result<void> generate_smaps(const Subject& subject, TextBuilder& out);
Result<void> generate_smaps_rollup(const Subject& subject, TextBuilder& out);

// Resident bytes of `pid`'s mappings by kind, as smaps counts them (what
// status's RssAnon, RssFile and RssShmem and statm show).
struct ResidentTotals {
    std::uint64_t anonymous = 0, file = 0, shmem = 0;
    std::uint64_t total() const { return anonymous + file + shmem; }
};
ResidentTotals resident_totals(int pid, const base::Vector<Mapping>& mappings);

}  // namespace cella::fs::procfs
