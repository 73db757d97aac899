#pragma once
// procfs, mounted at /proc: the running processes and threads (/proc/PID,
// /proc/self, /proc/thread-self) and system facts (cpuinfo, meminfo, stat,
// uptime, mounts, sys/...), in Linux's formats, since C libraries and
// language runtimes parse them. Files are generated when opened; nothing
// can be written.
#include "libos/fs/inode.h"

namespace cella::fs::procfs {

Result<RefPtr<Inode>> make_root();

// The pid whose /proc/PID directory `stat` describes, or 0 (pidfd calls
// take an fd of such a directory, as Linux's tgid_pidfd_to_pid does).
int process_directory_pid(const FileStat& stat);

}  // namespace cella::fs::procfs
