#pragma once
// One linux_dirent64 record, as getdents64 returns them.
#include <cstdint>
#include <span>
#include <string_view>

namespace cella::fs {

// Writes the record at out[written...]; returns its size, or 0 when it
// does not fit in what is left of `out`.
std::size_t put_dirent64(std::span<std::uint8_t> out, std::size_t written, std::uint64_t ino,
                         std::int64_t next_offset, std::uint8_t type, std::string_view name);

// Rewrites linux_dirent64 records in place as the legacy getdents's struct
// linux_dirent (name at byte 18, d_type in the record's last byte). Both
// records take the same size, so the offsets stay valid.
void to_legacy_dirents(std::span<std::uint8_t> records);

}  // namespace cella::fs
