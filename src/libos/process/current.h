#pragma once
// The process and thread the running syscall belongs to.
#include "libos/entry/cpu.h"
#include "process.h"

namespace cella::process {

inline Thread& current_thread() { return entry::current_thread(); }
inline Process& current_process() { return current_thread().process(); }
inline int current_pid() { return current_process().pid(); }

}  // namespace cella::process
