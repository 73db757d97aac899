#pragma once
// execve() in the calling process: the program replaces the process's
// image, the calling thread becomes the process's only thread, fds marked
// close-on-exec are closed, handled signals go back to their default
// action (ignored ones stay ignored, the mask and pending signals stay),
// and the thread starts the new program.
#include "exec.h"
#include "libos/entry/signal_types.h"

namespace cella::process {

// On success the thread's application state in `context` is the new
// program's first instruction. A failure before the old image is gone is
// returned; one after it ends the process (SIGSEGV, as Linux).
base::Result<void> execute(Thread& thread, entry::KernelUcontext& context, ExecRequest request);

}  // namespace cella::process
