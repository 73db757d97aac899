#pragma once
// The names AF_UNIX sockets are bound to and found by: abstract names,
// and socket files in the VFS (a path is looked up, and the node it
// reaches names the socket bound there, as Linux finds it by inode).
#include "libos/base/own_ptr.h"
#include "unix_address.h"

namespace cella::process {
class Process;
}

namespace cella::net {
class UnixSocket;
}

namespace cella::net::names {

// bind(): a socket file made with the process's umask (EADDRINUSE if the
// name exists), an abstract name (EADDRINUSE if taken), or for a bare
// family an unused abstract name (autobind).
Result<void> bind(process::Process& process, UnixSocket& socket, const UnixAddress& address);
// Autobind: five hex digits after a NUL, as Linux picks them.
Result<void> autobind(UnixSocket& socket);
// The socket is closing: its name is free again (a socket file stays, and
// connecting through it is ECONNREFUSED, as on Linux).
void unbind(UnixSocket& socket);
// The socket bound at `address`, of `type`: ENOENT (and the other lookup
// errors) for a missing path, EACCES without write permission on the
// socket file, ECONNREFUSED when nothing is bound there, EPROTOTYPE for
// a socket of another type.
Result<base::RefPtr<UnixSocket>> find(process::Process& process, const UnixAddress& address, int type);

}  // namespace cella::net::names
