#pragma once
// The network-interface ioctls (SIOCGIF*, SIOCGIFCONF) that any socket
// answers, served by the host's stack through a host socket. Only the
// queries: the SIOCSIF* changes to the host's interfaces answer EPERM.
#include <cstdint>

#include "libos/base/result.h"

namespace cella::net {

// Whether `request` is an interface request this file handles.
bool is_interface_request(unsigned long request);
// Serves it on `host_fd` with the application's argument at `arg`.
base::Result<long> interface_ioctl(int host_fd, unsigned long request, std::uint64_t arg);

}  // namespace cella::net
