#pragma once
// imagefs: the read-only root file system, served from the image file that
// `cella build` made, read through the host interface.
#include "libos/base/own_ptr.h"
#include "libos/crypto/sha256.h"
#include "libos/fs/image/image_reader.h"
#include "libos/fs/file_system.h"
#include "libos/fs/inode.h"

namespace cella::fs::imagefs {

// Opens the image behind host fd `image_fd` and returns its root
// directory. Its block 0 must hash to `measurement` (EKEYREJECTED, logged,
// when it does not); every block read later is checked against its hash
// tree.
Result<RefPtr<Inode>> mount(int image_fd, std::uint64_t image_size, const crypto::Sha256Digest& measurement);
// With CELLA_LOG=debug, at exit: what the image's chunk cache did.
void log_stats();
// What statfs reports about the mounted image: read-only, full.
Result<RefPtr<FileSystem>> file_system(std::uint64_t image_size);

}  // namespace cella::fs::imagefs
