#pragma once
// Files with no inode of their own (eventfd, epoll) report what Linux's
// anon_inodefs reports for them.
#include "libos/fs/file_stat.h"

namespace cella::ipc {

inline fs::FileStat anon_inode_stat() {
    fs::FileStat s;
    s.dev = 0x0d;  // anon_inodefs
    s.mode = 0600;
    return s;
}

}  // namespace cella::ipc
