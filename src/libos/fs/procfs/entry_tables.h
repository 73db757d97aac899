#pragma once
// What each procfs directory holds.
#include <span>

#include "table_directory.h"

namespace cella::fs::procfs {

// /proc, without the numbered process directories.
std::span<const EntrySpec> system_entries();
// /proc/PID
std::span<const EntrySpec> process_entries();
// /proc/PID/task/TID
std::span<const EntrySpec> thread_entries();

}  // namespace cella::fs::procfs
