#pragma once
// devfs: /dev with null, zero, full, random, urandom, and the links
// stdin/stdout/stderr (to /proc/self/fd/0..2) and fd (to /proc/self/fd),
// ptmx (tty/devpts.h), whose slaves boot mounts at /dev/pts, and tty (the
// caller's controlling pseudo-terminal).
#include "libos/fs/inode.h"

namespace cella::fs::devfs {

Result<RefPtr<Inode>> make_root();

}  // namespace cella::fs::devfs
