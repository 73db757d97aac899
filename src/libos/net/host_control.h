#pragma once
// Control messages (cmsg(3)) of host sockets, checked in both directions:
// what goes out may not carry fds or credentials (they would name the
// host's), and what comes back must be well formed and carry no host fds.
#include <cstdint>
#include <span>

#include "libos/base/result.h"

namespace cella::net {

// EINVAL for a malformed header, SCM_RIGHTS or SCM_CREDENTIALS.
base::Result<void> check_outgoing_control(std::span<const std::uint8_t> control);
// EIO for a malformed header; fds the host passed are closed, EIO.
base::Result<void> check_incoming_control(std::span<const std::uint8_t> control);

}  // namespace cella::net
