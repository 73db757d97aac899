#pragma once
// What the socket syscall files share.
#include <asm-generic/errno.h>

#include "fs_args.h"
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

// Linux autobinds a socket that passes credentials before it connects or
// sends datagrams, so that its peer can tell who spoke.
inline Result<void> autobind_if_passing_credentials(net::UnixSocket& socket) {
    if (!socket.options().pass_credentials) return {};
    return net::names::autobind(socket);
}

}  // namespace cella::syscall
