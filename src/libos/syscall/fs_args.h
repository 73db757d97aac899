#pragma once
// Argument helpers the file syscall families share.
#include <cstddef>
#include <cstdint>

#include "libos/fs/open_file.h"
#include "libos/process/current.h"
#include "libos/process/process.h"

namespace cella::syscall {

inline constexpr std::size_t kMaxIoCount = 0x7ffff000;  // Linux's MAX_RW_COUNT

// Linux moves at most MAX_RW_COUNT bytes in one call.
inline std::size_t clamp_count(std::uint64_t count) { return count > kMaxIoCount ? kMaxIoCount : count; }

inline base::Result<base::RefPtr<fs::OpenFile>> file_of(int fd) { return process::current_process().fds().get(fd); }

// pipe2 and socketpair: two new fds, written to int[2] at `address`; on
// any failure neither stays open.
base::Result<long> install_pair(base::RefPtr<fs::OpenFile> first, base::RefPtr<fs::OpenFile> second, bool cloexec,
                                std::uint64_t address);

}  // namespace cella::syscall
