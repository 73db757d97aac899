#pragma once
// /proc/PID/maps in Linux's format, which glibc's pthread_getattr_np,
// sanitizers, debuggers and language runtimes parse.
#include "nodes.h"

namespace cella::fs::procfs {

Result<void> generate_maps(const Subject& subject, TextBuilder& out);

}  // namespace cella::fs::procfs
