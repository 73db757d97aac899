#include "netlink_filter.h"

#include <asm-generic/errno.h>

#include "libos/runtime/log.h"

namespace cella::net {
namespace {

using base::Error;

struct NetlinkHeader {
    std::uint32_t length;
    std::uint16_t type;
    std::uint16_t flags;
    std::uint32_t sequence;
    std::uint32_t port;
};

constexpr std::uint16_t kRtmBase = 16;  // below: NLMSG_NOOP, NLMSG_ERROR, NLMSG_DONE, ...
constexpr std::uint16_t kRtmMax = 127;

// rtnetlink's message types come in fours: NEW, DEL, GET, SET.
bool is_query(std::uint16_t type) { return type < kRtmBase || (type <= kRtmMax && (type & 3) == 2); }

}  // namespace

base::Result<void> check_netlink_request(std::span<const std::uint8_t> messages) {
    std::size_t at = 0;
    while (messages.size() - at >= sizeof(NetlinkHeader)) {
        NetlinkHeader header;
        __builtin_memcpy(&header, messages.data() + at, sizeof header);
        if (header.length < sizeof header || header.length > messages.size() - at) return Error::from_errno(EINVAL);
        if (!is_query(header.type)) {
            log::debug("netlink: message type %u would change the host's network; only queries are served: EPERM",
                       header.type);
            return Error::from_errno(EPERM);
        }
        at += (header.length + 3) & ~std::size_t{3};
        if (at >= messages.size()) break;
    }
    return {};
}

}  // namespace cella::net
