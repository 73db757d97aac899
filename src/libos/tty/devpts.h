#pragma once
// devpts: /dev/pts lists the slaves of the live pseudo-terminals (N, char
// 136:N, owned by whoever opened the master, group tty, 0620) and ptmx
// (mode 0000, as Linux's); /dev/ptmx (devfs) and /dev/pts/ptmx open a new
// pair. A pair leaves the listing, and its number becomes free, when its
// master closes.
#include <cstdint>

#include "libos/base/own_ptr.h"
#include "libos/base/result.h"
#include "libos/fs/inode.h"
#include "pty.h"

namespace cella::tty {

// st_dev of devpts nodes.
inline constexpr std::uint64_t kDevptsDevice = 0x0019;
// How many pairs may be open at once (Linux's kernel.pty.max is 4096).
inline constexpr int kMaxPtys = 1024;
inline constexpr std::uint32_t kTtyGroup = 5;

// The root of the devpts mount.
Result<RefPtr<fs::Inode>> make_devpts_root();
// A ptmx node: opening it makes a new pair and gives its master.
Result<RefPtr<fs::Inode>> make_ptmx_node(std::uint64_t dev, std::uint64_t ino, std::uint32_t mode);
// /dev/tty (char 5:0): opens the caller's controlling terminal, ENXIO
// without one.
Result<RefPtr<fs::Inode>> make_current_tty_node(std::uint64_t dev, std::uint64_t ino);
// The node /dev/pts/N of `pty` (what TIOCGPTPEER opens).
Result<RefPtr<fs::Inode>> slave_node(RefPtr<Pty> pty);

// The table of live pairs.
Result<RefPtr<Pty>> register_pty(std::uint32_t uid);
void unregister_pty(Pty& pty);
RefPtr<Pty> find_pty(int index);

}  // namespace cella::tty
