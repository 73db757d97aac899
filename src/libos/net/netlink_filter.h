#pragma once
// What an application may ask of the host's routing netlink: queries
// (RTM_GET*: links, addresses, routes, neighbours, rules), never a change
// to the host's network configuration.
#include <cstdint>
#include <span>

#include "libos/base/result.h"

namespace cella::net {

// EINVAL for a malformed message; EPERM for any request that is not a query.
base::Result<void> check_netlink_request(std::span<const std::uint8_t> messages);

}  // namespace cella::net
