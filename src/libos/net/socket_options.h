#pragma once
// getsockopt/setsockopt at SOL_SOCKET for AF_UNIX sockets, with Linux's
// sizes, limits (SO_SNDBUF/SO_RCVBUF doubled, within net.core.*mem_max)
// and errors (EOPNOTSUPP at another level, ENOPROTOOPT for an option not
// served, logged with CELLA_LOG=debug).
#include <cstdint>

#include "unix_socket.h"

namespace cella::net {

Result<void> get_option(UnixSocket& socket, int level, int name, std::uint64_t value, std::uint64_t length_address);
Result<void> set_option(UnixSocket& socket, int level, int name, std::uint64_t value, std::uint32_t length);

}  // namespace cella::net
