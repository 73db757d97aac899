#include "unix_address.h"

#include <asm-generic/errno.h>

#include <cstring>

#include "libos/mm/user_memory.h"

namespace cella::net {

using base::Error;

Result<UnixAddress> address_from_user(std::uint64_t address, std::uint64_t length, bool allow_family_only) {
    if (static_cast<std::int32_t>(length) < 0 || length > kSockaddrStorage) return Error::from_errno(EINVAL);
    char raw[kSockaddrStorage + 1] = {};
    if (length) TRY(mm::copy_from_user(raw, address, length));
    UnixAddress result;
    std::memcpy(result.bytes, raw, length < sizeof result.bytes ? length : sizeof result.bytes);
    result.length = static_cast<std::uint32_t>(length);
    if (allow_family_only && length == kFamilyLength && result.family() == kAfUnix) return result;
    if (length <= kFamilyLength || length > kMaxAddressLength || result.family() != kAfUnix)
        return Error::from_errno(EINVAL);
    if (raw[2] != '\0') {
        // A path: up to its first NUL (the bytes past `length` are zero).
        raw[length] = '\0';
        result.length = static_cast<std::uint32_t>(std::strlen(raw + 2)) + 3;
        std::memcpy(result.bytes, raw, result.length);
    }
    return result;
}

Result<void> address_to_user(const UnixAddress& address, std::uint64_t to, std::uint64_t length_address) {
    std::int32_t length = TRY(mm::read_user<std::int32_t>(length_address));
    if (length > static_cast<std::int32_t>(address.length)) length = static_cast<std::int32_t>(address.length);
    if (length < 0) return Error::from_errno(EINVAL);
    if (length) TRY(mm::copy_to_user(to, address.bytes, static_cast<std::size_t>(length)));
    return mm::write_user(length_address, static_cast<std::int32_t>(address.length));
}

}  // namespace cella::net
