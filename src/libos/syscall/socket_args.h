#pragma once
// What the socket syscall files share.
#include <asm-generic/errno.h>

#include "fs_args.h"
#include "libos/net/host_socket.h"
#include "libos/net/socket_file.h"
#include "libos/net/unix_names.h"
#include "syscall.h"

namespace cella::syscall {

// The socket behind `fd` (`file` keeps it open): EBADF, or ENOTSOCK.
inline Result<net::SocketFile*> socket_of(base::RefPtr<fs::OpenFile>& file, int fd) {
    file = TRY(file_of(fd));
    net::SocketFile* socket = net::as_socket(*file);
    if (!socket) return Error::from_errno(ENOTSOCK);
    return socket;
}

// The socket behind `fd`, of either kind: exactly one of the two is set.
struct AnySocket {
    net::SocketFile* local = nullptr;  // AF_UNIX, inside the LibOS
    net::HostSocket* host = nullptr;   // AF_INET, AF_INET6, AF_NETLINK
};

inline Result<AnySocket> any_socket_of(base::RefPtr<fs::OpenFile>& file, int fd) {
    file = TRY(file_of(fd));
    if (net::HostSocket* host = net::as_host_socket(*file)) return AnySocket{nullptr, host};
    net::SocketFile* socket = net::as_socket(*file);
    if (!socket) return Error::from_errno(ENOTSOCK);
    return AnySocket{socket, nullptr};
}

// A socklen_t argument: an int, negative is EINVAL.
inline Result<std::uint32_t> socket_length(std::uint64_t raw) {
    std::int32_t length = static_cast<std::int32_t>(raw);
    if (length < 0) return Error::from_errno(EINVAL);
    return static_cast<std::uint32_t>(length);
}

// Linux autobinds a socket that passes credentials before it connects or
// sends datagrams, so that its peer can tell who spoke.
inline Result<void> autobind_if_passing_credentials(net::UnixSocket& socket) {
    if (!socket.options().pass_credentials) return {};
    return net::names::autobind(socket);
}

}  // namespace cella::syscall
