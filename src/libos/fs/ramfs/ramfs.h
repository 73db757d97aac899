#pragma once
// ramfs: a file system in LibOS memory (tmpfs), for /tmp, /dev/shm and
// scratch space. Its contents live as long as the enclave.
#include "abi/mount_options.h"
#include "libos/fs/file_system.h"
#include "libos/fs/inode.h"

namespace cella::fs::ramfs {

struct Mounted {
    RefPtr<Inode> root;
    RefPtr<FileSystem> file_system;
};

// A new, empty ramfs with the size and inode limits and the root
// directory's permission bits of `options`.
Result<Mounted> make(const abi::RamfsOptions& options);

}  // namespace cella::fs::ramfs
