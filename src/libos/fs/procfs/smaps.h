#pragma once
// /proc/PID/smaps (the maps line of each mapping and its memory figures)
// and smaps_rollup (the figures summed), in Linux's format.
#include "nodes.h"

namespace cella::fs::procfs {

Result<void> generate_smaps(const Subject& subject, TextBuilder& out);
Result<void> generate_smaps_rollup(const Subject& subject, TextBuilder& out);

}  // namespace cella::fs::procfs
