#pragma once
// Host socket calls through the ring: the same contract as the host
// interface's socket_send, socket_receive, socket_accept and
// socket_connect with may_block (a kick ends a wait with EINTR, or with
// what moved; a timeout with EAGAIN, a connect's with EINPROGRESS), with
// the data, names and control messages copied between LibOS or
// application memory and the request's host buffers, and every value the
// host wrote back (lengths, flags) checked before use.
#include <cstddef>
#include <cstdint>
#include <span>

#include "libos/base/result.h"
#include "libos/host/host_net.h"
#include "ring.h"

namespace cella::net::uring {

// Room for a message's control data in a request's host memory.
inline constexpr std::size_t kControlRoom = 4096;

// Whether the ring can carry a send or receive of `total` bytes with this
// much control data: a datagram must fit whole; a stream send or receive
// larger than a request's buffer moves in pieces (`moved` < `staged`).
bool fits(std::size_t total, std::size_t control_length, bool stream);

// `staged`: how much of the message this request carried (all of it, or
// the first kDataBytes of a stream). `checked`: the data segments are
// LibOS memory or checked buffers the LibOS may copy directly.
base::Result<std::size_t> send(Ring& ring, int fd, const host::SocketMessage& message, bool checked, int flags,
                               std::int64_t timeout_ns, std::size_t& staged);
base::Result<std::size_t> receive(Ring& ring, int fd, host::SocketMessage& message, bool checked, int flags,
                                  std::int64_t timeout_ns, std::size_t& staged);
base::Result<int> accept(Ring& ring, int fd, std::span<std::uint8_t> address, std::uint32_t& length,
                         std::int64_t timeout_ns);
base::Result<void> connect(Ring& ring, int fd, std::span<const std::uint8_t> address, std::int64_t timeout_ns);

}  // namespace cella::net::uring
