#pragma once
// ramfs: a file system in LibOS memory (tmpfs), for /tmp and scratch space.
// Its contents live as long as the enclave.
#include "libos/fs/inode.h"

namespace cella::fs::ramfs {

// A new, empty ramfs; `mode` is its root directory's permission bits.
Result<RefPtr<Inode>> make_root(std::uint32_t mode);

}  // namespace cella::fs::ramfs
