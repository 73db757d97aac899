#pragma once
// Moving bytes between open files without the application's memory in the
// middle: sendfile, splice, tee and copy_file_range. The data goes through
// a LibOS bounce buffer and each side's own OpenFile read/write calls, so
// every kind of file (and whatever stores a file's data) takes part without
// knowing about these calls. Linux's argument checks, in Linux's order,
// are here too, so the syscall handlers only fetch and store the offsets.
#include <cstdint>

#include "open_file.h"

namespace cella::fs {

// One side of a transfer: the file, and the offset the caller passed by
// pointer, or nullptr to use (and move) the file's own position.
struct TransferEnd {
    OpenFile& file;
    std::int64_t* offset;
};

inline constexpr unsigned kSpliceMove = 1, kSpliceNonblock = 2, kSpliceMore = 4, kSpliceGift = 8;
inline constexpr unsigned kSpliceAll = kSpliceMove | kSpliceNonblock | kSpliceMore | kSpliceGift;

Result<std::size_t> send_file(TransferEnd in, TransferEnd out, std::size_t count);
// One of the sides must be a pipe (EINVAL otherwise); offsets on a pipe are ESPIPE.
Result<std::size_t> splice(TransferEnd in, TransferEnd out, std::size_t length, unsigned flags);
// Copies up to `length` bytes from the pipe `in` to the pipe `out`, leaving them in `in`.
Result<std::size_t> tee(OpenFile& in, OpenFile& out, std::size_t length, unsigned flags);
// Between regular files; an overlapping range of one file is EINVAL.
Result<std::size_t> copy_file_range(TransferEnd in, TransferEnd out, std::size_t length);

// Whether fsync/fdatasync apply: regular files and directories; EINVAL for
// pipes, sockets, devices and anonymous files, as on Linux.
Result<void> check_syncable(OpenFile& file);
// sync_file_range's file check: ESPIPE for what has no pages to write.
Result<void> check_range_syncable(OpenFile& file);

}  // namespace cella::fs
