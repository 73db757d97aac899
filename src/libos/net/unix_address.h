#pragma once
// AF_UNIX addresses (struct sockaddr_un) as Linux keeps them: the family,
// then a path (NUL-terminated; the length counts the NUL), an abstract
// name (a NUL byte, then bytes that all count), or nothing at all for an
// unbound socket (the length is sizeof(sa_family_t)).
#include <cstdint>
#include <string_view>

#include "libos/base/result.h"

namespace cella::net {

using base::Result;

inline constexpr std::uint16_t kAfUnspec = 0, kAfUnix = 1;
inline constexpr std::uint32_t kFamilyLength = 2;        // sizeof(sa_family_t)
inline constexpr std::uint32_t kMaxAddressLength = 110;  // sizeof(struct sockaddr_un)
inline constexpr std::uint32_t kSockaddrStorage = 128;   // sizeof(struct sockaddr_storage)

struct UnixAddress {
    std::uint32_t length = kFamilyLength;
    // A path of 108 bytes with no NUL in sun_path is kept with one, as
    // Linux keeps it (its length is then 111).
    char bytes[kMaxAddressLength + 2] = {static_cast<char>(kAfUnix), 0};

    std::uint16_t family() const {
        return static_cast<std::uint16_t>(static_cast<std::uint8_t>(bytes[0]) |
                                          static_cast<std::uint8_t>(bytes[1]) << 8);
    }
    bool bound() const { return length > kFamilyLength; }
    bool abstract() const { return bound() && bytes[2] == '\0'; }
    // A path without its NUL, or an abstract name with its leading NUL.
    std::string_view path() const { return {bytes + 2, length - 3}; }
    std::string_view name() const { return {bytes + 2, length - 2}; }
    bool operator==(const UnixAddress& other) const {
        return length == other.length && std::string_view(bytes, length) == std::string_view(other.bytes, length);
    }
};

// What bind, connect and sendto were given, checked as Linux's
// move_addr_to_kernel and unix_validate_addr do (EINVAL), a path cut at its
// first NUL. `allow_family_only`: a bare AF_UNIX family (bind's autobind)
// is accepted and returned as is.
Result<UnixAddress> address_from_user(std::uint64_t address, std::uint64_t length, bool allow_family_only);
// Linux's move_addr_to_user: at most *length_address bytes of the address,
// then its full length into *length_address.
Result<void> address_to_user(const UnixAddress& address, std::uint64_t to, std::uint64_t length_address);

}  // namespace cella::net
