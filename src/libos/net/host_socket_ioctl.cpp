// ioctl on host sockets: queue sizes, the urgent mark and packet times
// through LibOS memory, the interface queries, and no changes to the
// host's network configuration.
#include <asm-generic/errno.h>

#include "host_socket.h"
#include "interface_ioctl.h"
#include "libos/host/host_net.h"
#include "libos/runtime/log.h"

namespace cella::net {
namespace {

using base::Error;

constexpr unsigned long kSiocInq = 0x541b, kSiocOutq = 0x5411, kSiocOutqNsd = 0x894b, kSiocAtMark = 0x8905,
                        kSiocGStamp = 0x8906, kSiocGStampNs = 0x8907;
constexpr unsigned long kSocketIoctlFirst = 0x8900, kSocketIoctlLast = 0x89ff;

}  // namespace

Result<long> HostSocket::ioctl(unsigned long request, std::uint64_t arg) {
    switch (request) {
    case kSiocInq:
    case kSiocOutq:
    case kSiocOutqNsd:
    case kSiocAtMark: {
        int value = 0;
        long result = TRY(host::socket_ioctl(host_fd_, request, &value));
        TRY(mm::write_user(arg, value));
        return result;
    }
    case kSiocGStamp:
    case kSiocGStampNs: {
        std::int64_t time[2] = {};
        long result = TRY(host::socket_ioctl(host_fd_, request, time));
        TRY(mm::copy_to_user(arg, time, sizeof time));
        return result;
    }
    default: break;
    }
    if (is_interface_request(request)) return interface_ioctl(host_fd_, request, arg);
    if (request >= kSocketIoctlFirst && request <= kSocketIoctlLast) {
        log::debug("ioctl: socket request %#lx would change the host's network or is not served: EPERM", request);
        return Error::from_errno(EPERM);
    }
    return Error::from_errno(ENOTTY);
}

}  // namespace cella::net
