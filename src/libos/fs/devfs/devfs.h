#pragma once
// devfs: /dev with null, zero, full, random, urandom, and stdin/stdout/
// stderr naming the calling process's fds 0-2.
#include "libos/fs/inode.h"

namespace cella::fs::devfs {

Result<RefPtr<Inode>> make_root();

}  // namespace cella::fs::devfs
