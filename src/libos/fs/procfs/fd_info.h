#pragma once
// /proc/PID/fdinfo/N: an open file's position, status flags, mount and inode.
#include "nodes.h"

namespace cella::fs::procfs {

Result<void> generate_fdinfo(const Subject& subject, TextBuilder& out);

}  // namespace cella::fs::procfs
