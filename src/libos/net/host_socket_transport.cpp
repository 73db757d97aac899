// How a host socket's send, receive, accept and connect reach the host:
// the io_uring ring (feature.io_uring) or the direct host calls.
#include <asm-generic/errno.h>

#include "host_socket.h"
#include "libos/host/host_net.h"
#include "unix_socket.h"
#include "uring/socket_ops.h"

namespace cella::net {
namespace {

constexpr int kAfNetlink = 16;

std::size_t total_of(std::span<const host::IoSegment> data) {
    std::size_t total = 0;
    for (const host::IoSegment& segment : data) total += segment.length;
    return total;
}

}  // namespace

Result<std::size_t> HostSocket::send_once(const host::SocketMessage& out, bool checked, int host_flags, bool wait,
                                          Attempt& attempt) {
    attempt = {total_of(out.data), true, 0};
    uring::Ring* ring = family_ == kAfNetlink ? nullptr : uring::Ring::get();
    if (ring && uring::fits(attempt.staged, out.control_length, type_ == kSockStream)) {
        attempt.direct = false;
        // io_uring ends a stream send at its first short write unless told
        // to wait for all, as a blocking sendmsg does.
        int ring_flags = wait && type_ == kSockStream ? host_flags | kMsgWaitAll : host_flags;
        return uring::send(*ring, host_fd_, out, checked, ring_flags, wait ? send_timeout_ns_ : 0, attempt.staged);
    }
    if (wait) attempt.switches = TRY(enter_host_blocking());
    return host::socket_send(host_fd_, out, host_flags, wait);
}

Result<std::size_t> HostSocket::receive_once(host::SocketMessage& in, bool checked, int host_flags, bool wait,
                                             Attempt& attempt) {
    attempt = {total_of(in.data), true, 0};
    // Netlink's waits stay the LibOS's; MSG_TRUNC's count may exceed the buffer.
    uring::Ring* ring = family_ == kAfNetlink || (host_flags & kMsgTrunc) ? nullptr : uring::Ring::get();
    if (ring && uring::fits(attempt.staged, in.control_length, type_ == kSockStream)) {
        attempt.direct = false;
        return uring::receive(*ring, host_fd_, in, checked, host_flags, wait ? receive_timeout_ns_ : 0,
                              attempt.staged);
    }
    if (wait && family_ != kAfNetlink) attempt.switches = TRY(enter_host_blocking());
    return host::socket_receive(host_fd_, in, host_flags, wait && family_ != kAfNetlink);
}

Result<int> HostSocket::accept_once(std::span<std::uint8_t> name, std::uint32_t& length, bool wait,
                                    Attempt& attempt) {
    attempt = {};
    if (!wait) return without_host_wait([&] { return host::socket_accept(host_fd_, name, length); });
    if (uring::Ring* ring = uring::Ring::get()) {
        attempt.direct = false;
        return uring::accept(*ring, host_fd_, name, length, receive_timeout_ns_);
    }
    attempt.switches = TRY(enter_host_blocking());
    return host::socket_accept(host_fd_, name, length, true);
}

Result<void> HostSocket::connect_once(std::span<const std::uint8_t> name, Attempt& attempt) {
    attempt = {};
    if (uring::Ring* ring = family_ == kAfNetlink ? nullptr : uring::Ring::get()) {
        attempt.direct = false;
        return uring::connect(*ring, host_fd_, name, send_timeout_ns_);
    }
    attempt.switches = TRY(enter_host_blocking());
    return host::socket_connect(host_fd_, name, true);
}

}  // namespace cella::net
