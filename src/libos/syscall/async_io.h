#pragma once
// fcntl's owner commands (F_SETOWN, F_GETOWN, F_SETOWN_EX, F_GETOWN_EX,
// F_SETSIG, F_GETSIG) and O_ASYNC changes, for every kind of file.
#include <cstdint>

#include "libos/base/result.h"
#include "libos/fs/open_file.h"

namespace cella::syscall {

inline constexpr int kFSetOwn = 8, kFGetOwn = 9, kFSetSig = 10, kFGetSig = 11, kFSetOwnEx = 15, kFGetOwnEx = 16,
                     kFNotify = 1026;

base::Result<long> fcntl_owner(fs::OpenFile& file, int command, std::uint64_t arg);
// O_ASYNC as F_SETFL or FIOASYNC asks: the status flag, and for a file
// that can signal, its place in its object's list.
base::Result<void> set_async_flag(fs::OpenFile& file, int fd, bool on);

}  // namespace cella::syscall
