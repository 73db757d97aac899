#include "dirent.h"

#include <cstring>

namespace cella::fs {
namespace {

struct Dirent64Header {
    std::uint64_t d_ino;
    std::int64_t d_off;
    std::uint16_t d_reclen;
    std::uint8_t d_type;
} __attribute__((packed));
static_assert(sizeof(Dirent64Header) == 19);

}  // namespace

std::size_t put_dirent64(std::span<std::uint8_t> out, std::size_t written, std::uint64_t ino,
                         std::int64_t next_offset, std::uint8_t type, std::string_view name) {
    std::size_t record = (sizeof(Dirent64Header) + name.size() + 1 + 7) & ~std::size_t{7};
    if (out.size() - written < record) return 0;
    Dirent64Header header{ino, next_offset, static_cast<std::uint16_t>(record), type};
    std::uint8_t* at = out.data() + written;
    std::memcpy(at, &header, sizeof header);
    std::memcpy(at + sizeof header, name.data(), name.size());
    std::memset(at + sizeof header + name.size(), 0, record - sizeof header - name.size());
    return record;
}

void to_legacy_dirents(std::span<std::uint8_t> records) {
    constexpr std::size_t kLegacyNameOffset = 18;  // after d_ino, d_off, d_reclen
    for (std::size_t at = 0; at + sizeof(Dirent64Header) <= records.size();) {
        Dirent64Header header;
        std::memcpy(&header, records.data() + at, sizeof header);
        if (header.d_reclen < sizeof header + 1 || header.d_reclen > records.size() - at) return;
        std::uint8_t* record = records.data() + at;
        std::size_t name_room = header.d_reclen - sizeof header;
        std::memmove(record + kLegacyNameOffset, record + sizeof header, name_room);
        record[header.d_reclen - 1] = header.d_type;
        at += header.d_reclen;
    }
}

}  // namespace cella::fs
