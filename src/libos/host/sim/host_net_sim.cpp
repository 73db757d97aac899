// The `sim` platform's network calls: raw host syscalls on host sockets.
// Buffers are passed as they are (the host kernel reads and writes them
// directly); an SGX platform copies them through untrusted memory here.
#include <asm/unistd.h>
#include <linux/eventpoll.h>
#include <linux/fcntl.h>
#include <linux/net.h>

#include "checked.h"
#include "libos/host/host.h"
#include "libos/host/host_net.h"
#include "raw_syscall.h"

namespace cella::host {
namespace {

using base::Error;
using sim::checked;
using sim::checked_count;
using sim::checked_void;
using sim::raw_syscall;

constexpr int kSockNonblock = O_NONBLOCK, kSockCloexec = O_CLOEXEC;

// The linux x86-64 struct msghdr.
struct RawMessage {
    void* name;
    std::int32_t name_length;
    std::uint64_t iov;
    std::uint64_t iov_length;
    void* control;
    std::uint64_t control_length;
    std::int32_t flags;
};

static_assert(sizeof(IoSegment) == 16, "IoSegment is struct iovec");

// An fd the host just made for us: a negative or absurd number is refused.
Result<int> checked_fd(long value) {
    long fd = TRY(checked(value));
    if (fd > 0x7fffffff) return Error::from_errno(EIO);
    return static_cast<int>(fd);
}

RawMessage raw_message(const SocketMessage& message) {
    return RawMessage{message.name,
                      static_cast<std::int32_t>(message.name_length),
                      reinterpret_cast<std::uint64_t>(message.data.data()),
                      message.data.size(),
                      message.control,
                      message.control_length,
                      0};
}

// A call that may sleep at the host goes through the kick-aware entry.
long maybe_blocking(bool may_block, long nr, long a1, long a2, long a3, long a4 = 0) {
    return may_block ? blocking_syscall(nr, a1, a2, a3, a4) : raw_syscall(nr, a1, a2, a3, a4);
}

std::size_t total_of(std::span<const IoSegment> data) {
    std::size_t total = 0;
    for (const IoSegment& segment : data) total += segment.length;
    return total;
}

}  // namespace

Result<int> socket_open(int family, int type, int protocol) {
    return checked_fd(raw_syscall(__NR_socket, family, type | kSockNonblock | kSockCloexec, protocol));
}

void close(int fd) { raw_syscall(__NR_close, fd); }

Result<void> socket_bind(int fd, std::span<const std::uint8_t> address) {
    return checked_void(raw_syscall(__NR_bind, fd, reinterpret_cast<long>(address.data()), address.size()));
}

Result<void> socket_listen(int fd, int backlog) { return checked_void(raw_syscall(__NR_listen, fd, backlog)); }

Result<int> socket_accept(int fd, std::span<std::uint8_t> address, std::uint32_t& length, bool may_block) {
    std::uint32_t offered = static_cast<std::uint32_t>(address.size());
    length = offered;
    int accepted =
        TRY(checked_fd(maybe_blocking(may_block, __NR_accept4, fd, reinterpret_cast<long>(address.data()),
                                      reinterpret_cast<long>(&length), kSockNonblock | kSockCloexec)));
    // A name longer than any address family has is a lie.
    if (length > 4096) {
        close(accepted);
        return Error::from_errno(EIO);
    }
    return accepted;
}

Result<void> socket_connect(int fd, std::span<const std::uint8_t> address, bool may_block) {
    return checked_void(maybe_blocking(may_block, __NR_connect, fd, reinterpret_cast<long>(address.data()),
                                       static_cast<long>(address.size())));
}

Result<std::uint32_t> socket_name(int fd, bool peer, std::span<std::uint8_t> address) {
    std::uint32_t length = static_cast<std::uint32_t>(address.size());
    TRY(checked(raw_syscall(peer ? __NR_getpeername : __NR_getsockname, fd, reinterpret_cast<long>(address.data()),
                            reinterpret_cast<long>(&length))));
    if (length > 4096) return Error::from_errno(EIO);
    return length;
}

Result<void> socket_shutdown(int fd, int how) { return checked_void(raw_syscall(__NR_shutdown, fd, how)); }

Result<std::uint32_t> socket_get_option(int fd, int level, int name, std::span<std::uint8_t> value) {
    std::uint32_t length = static_cast<std::uint32_t>(value.size());
    TRY(checked(raw_syscall(__NR_getsockopt, fd, level, name, reinterpret_cast<long>(value.data()),
                            reinterpret_cast<long>(&length))));
    if (length > value.size()) return Error::from_errno(EIO);
    return length;
}

Result<void> socket_set_option(int fd, int level, int name, std::span<const std::uint8_t> value) {
    return checked_void(
        raw_syscall(__NR_setsockopt, fd, level, name, reinterpret_cast<long>(value.data()), value.size()));
}

Result<std::size_t> socket_send(int fd, const SocketMessage& message, int flags, bool may_block) {
    RawMessage raw = raw_message(message);
    return checked_count(maybe_blocking(may_block, __NR_sendmsg, fd, reinterpret_cast<long>(&raw), flags),
                         total_of(message.data));
}

Result<std::size_t> socket_receive(int fd, SocketMessage& message, int flags, bool may_block) {
    RawMessage raw = raw_message(message);
    long result = maybe_blocking(may_block, __NR_recvmsg, fd, reinterpret_cast<long>(&raw), flags);
    // MSG_TRUNC on a datagram socket reports the datagram's real size.
    std::size_t limit = (flags & 0x20) ? ~std::size_t{0} >> 1 : total_of(message.data);
    std::size_t received = TRY(checked_count(result, limit));
    if (raw.name_length < 0 || static_cast<std::uint32_t>(raw.name_length) > message.name_length ||
        raw.control_length > message.control_length)
        return Error::from_errno(EIO);
    message.name_length = static_cast<std::uint32_t>(raw.name_length);
    message.control_length = raw.control_length;
    message.flags = raw.flags;
    return received;
}

Result<void> socket_set_blocking(int fd, bool blocking) {
    long flags = TRY(checked(raw_syscall(__NR_fcntl, fd, F_GETFL)));
    flags = blocking ? flags & ~O_NONBLOCK : flags | O_NONBLOCK;
    return checked_void(raw_syscall(__NR_fcntl, fd, F_SETFL, flags));
}

Result<long> socket_ioctl(int fd, unsigned long request, void* argument) {
    return checked(raw_syscall(__NR_ioctl, fd, static_cast<long>(request), reinterpret_cast<long>(argument)));
}

Result<int> poll(std::span<PollEntry> entries, std::int64_t timeout_ns) {
    std::int64_t timeout[2] = {timeout_ns / 1000000000, timeout_ns % 1000000000};
    long result = timeout_ns == 0
                      ? raw_syscall(__NR_ppoll, reinterpret_cast<long>(entries.data()), entries.size(),
                                    reinterpret_cast<long>(timeout), 0, 8)
                      : blocking_syscall(__NR_ppoll, reinterpret_cast<long>(entries.data()), entries.size(),
                                         timeout_ns < 0 ? 0 : reinterpret_cast<long>(timeout), 0, 8);
    std::size_t ready = TRY(checked_count(result, entries.size()));
    return static_cast<int>(ready);
}

Result<int> epoll_open() { return checked_fd(raw_syscall(__NR_epoll_create1, EPOLL_CLOEXEC)); }

Result<void> epoll_control(int epoll_fd, int op, int fd, std::uint32_t events, std::uint64_t data) {
    EpollEntry entry{events, data};
    return checked_void(raw_syscall(__NR_epoll_ctl, epoll_fd, op, fd, reinterpret_cast<long>(&entry)));
}

Result<int> epoll_ready(int epoll_fd, std::span<EpollEntry> out) {
    long result = raw_syscall(__NR_epoll_wait, epoll_fd, reinterpret_cast<long>(out.data()),
                              static_cast<long>(out.size()), 0);
    return static_cast<int>(TRY(checked_count(result, out.size())));
}

Result<int> wake_fd_open() { return checked_fd(raw_syscall(__NR_eventfd2, 0, O_NONBLOCK | O_CLOEXEC)); }

void wake_fd_signal(int fd) {
    std::uint64_t one = 1;
    raw_syscall(__NR_write, fd, reinterpret_cast<long>(&one), sizeof one);
}

void wake_fd_drain(int fd) {
    std::uint64_t count = 0;
    raw_syscall(__NR_read, fd, reinterpret_cast<long>(&count), sizeof count);
}

}  // namespace cella::host
