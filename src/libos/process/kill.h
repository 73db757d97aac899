#pragma once
// kill(2): a signal to one process, a process group, or every process.
#include "libos/base/result.h"
#include "process.h"

namespace cella::process {

// pid > 0: that process; 0: the sender's group; -1: every process but
// pid 1 and the sender; < -1: the group -pid. Signal 0 only checks that a
// target exists (ESRCH otherwise).
base::Result<void> kill_processes(Process& sender, int pid, int signal);
// A signal from the kernel side (a terminal's ISIG, SIGWINCH, SIGHUP) to
// every live process of group `pgid`: si_code SI_KERNEL, as kill_pgrp.
void signal_group_from_kernel(int pgid, int signal);

}  // namespace cella::process
