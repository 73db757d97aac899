#pragma once
// The mount table as /proc/mounts, /proc/PID/mountinfo and
// /proc/filesystems show it.
#include "nodes.h"

namespace cella::fs::procfs {

Result<void> generate_mounts(const Subject& subject, TextBuilder& out);
Result<void> generate_mountinfo(const Subject& subject, TextBuilder& out);
Result<void> generate_filesystems(const Subject& subject, TextBuilder& out);

}  // namespace cella::fs::procfs
