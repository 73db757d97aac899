#pragma once
// The host interface's network part: sockets of the host's own stack
// (AF_INET, AF_INET6, AF_NETLINK), readiness of host fds, and the wake fd
// that lets a thread sleeping on host fds be woken by the LibOS. Host
// sockets are made non-blocking and close-on-exec at the host: the LibOS
// blocks in `poll`, or in a send, receive, accept or connect on a socket
// it switched to blocking (`may_block`), where a kick (a signal for the
// thread) reaches it and ends the call with EINTR (or a partial count).
// Every length the host returns is checked against what was asked.
#include <cstddef>
#include <cstdint>
#include <span>

#include "libos/base/result.h"

namespace cella::host {

using base::Result;

// One piece of memory a send gathers from or a receive scatters into.
struct IoSegment {
    std::uint64_t base;
    std::uint64_t length;
};

// A message as sendmsg/recvmsg move it. The name and control buffers are
// LibOS memory; a receive sets name_length, control_length and flags to
// what the host filled in (never more than was offered).
struct SocketMessage {
    void* name = nullptr;
    std::uint32_t name_length = 0;
    std::span<const IoSegment> data;
    void* control = nullptr;
    std::size_t control_length = 0;
    int flags = 0;  // a receive's MSG_TRUNC, MSG_CTRUNC, ...
};

Result<int> socket_open(int family, int type, int protocol);
void close(int fd);
Result<void> socket_bind(int fd, std::span<const std::uint8_t> address);
Result<void> socket_listen(int fd, int backlog);
// The new connection's fd (non-blocking, close-on-exec); `address` gets
// the peer's name, `length` its full size (which may exceed the buffer, as
// accept's addrlen does).
Result<int> socket_accept(int fd, std::span<std::uint8_t> address, std::uint32_t& length, bool may_block = false);
Result<void> socket_connect(int fd, std::span<const std::uint8_t> address, bool may_block = false);
// getsockname (peer false) or getpeername: the name's full size.
Result<std::uint32_t> socket_name(int fd, bool peer, std::span<std::uint8_t> address);
Result<void> socket_shutdown(int fd, int how);
// The option's size as the host reports it (at most value.size()).
Result<std::uint32_t> socket_get_option(int fd, int level, int name, std::span<std::uint8_t> value);
Result<void> socket_set_option(int fd, int level, int name, std::span<const std::uint8_t> value);
// may_block (send, receive, accept, connect): the host socket is in
// blocking mode (socket_set_blocking) and the call may sleep at the host;
// a kick ends it with EINTR, or with what a send or receive moved so far.
Result<std::size_t> socket_send(int fd, const SocketMessage& message, int flags, bool may_block = false);
Result<std::size_t> socket_receive(int fd, SocketMessage& message, int flags, bool may_block = false);
// O_NONBLOCK of the host socket: a blocking call that must wait then
// costs one host call instead of three (try, poll, retry).
Result<void> socket_set_blocking(int fd, bool blocking);
// ioctl on a host socket with an int or a struct argument in LibOS memory.
Result<long> socket_ioctl(int fd, unsigned long request, void* argument);

// Readiness. `timeout_ns` < 0 waits without limit; a kick ends the wait
// with EINTR. Returns how many entries have revents.
struct PollEntry {
    int fd;
    short events;
    short revents;
};
Result<int> poll(std::span<PollEntry> entries, std::int64_t timeout_ns);

// A host epoll instance that mirrors an application epoll's host fds.
struct EpollEntry {
    std::uint32_t events;
    std::uint64_t data;
} __attribute__((packed));
Result<int> epoll_open();
Result<void> epoll_control(int epoll_fd, int op, int fd, std::uint32_t events, std::uint64_t data);
// Never blocks: the LibOS waits with `poll` on the epoll fd.
Result<int> epoll_ready(int epoll_fd, std::span<EpollEntry> out);

// A counter a thread sleeping in `poll` watches so that the LibOS can end
// its sleep (an eventfd in sim).
Result<int> wake_fd_open();
void wake_fd_signal(int fd);
void wake_fd_drain(int fd);

}  // namespace cella::host
