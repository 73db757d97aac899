#include "host_control.h"

#include <asm-generic/errno.h>

#include "libos/host/host_net.h"

namespace cella::net {
namespace {

using base::Error;

struct ControlHeader {
    std::uint64_t length;
    std::int32_t level;
    std::int32_t type;
};

constexpr int kSolSocket = 1, kScmRights = 1, kScmCredentials = 2;
constexpr std::size_t kAlign = 8;

std::size_t aligned(std::uint64_t length) { return (length + kAlign - 1) & ~(kAlign - 1); }

// Calls `visit` with each header and its data; false at a malformed one.
template <typename Visit>
bool walk(std::span<const std::uint8_t> control, Visit&& visit) {
    std::size_t at = 0;
    while (control.size() - at >= sizeof(ControlHeader)) {
        ControlHeader header;
        __builtin_memcpy(&header, control.data() + at, sizeof header);
        if (header.length < sizeof header || header.length > control.size() - at) return false;
        visit(header, control.subspan(at + sizeof header, header.length - sizeof header));
        std::size_t step = aligned(header.length);
        if (step >= control.size() - at) break;
        at += step;
    }
    return true;
}

}  // namespace

base::Result<void> check_outgoing_control(std::span<const std::uint8_t> control) {
    bool refused = false;
    bool well_formed = walk(control, [&](const ControlHeader& header, std::span<const std::uint8_t>) {
        if (header.level == kSolSocket && (header.type == kScmRights || header.type == kScmCredentials))
            refused = true;
    });
    if (!well_formed || refused) return Error::from_errno(EINVAL);
    return {};
}

base::Result<void> check_incoming_control(std::span<const std::uint8_t> control) {
    bool had_fds = false;
    bool well_formed = walk(control, [&](const ControlHeader& header, std::span<const std::uint8_t> data) {
        if (header.level != kSolSocket || header.type != kScmRights) return;
        had_fds = true;
        for (std::size_t at = 0; at + sizeof(int) <= data.size(); at += sizeof(int)) {
            int fd;
            __builtin_memcpy(&fd, data.data() + at, sizeof fd);
            if (fd >= 0) host::close(fd);
        }
    });
    if (!well_formed || had_fds) return Error::from_errno(EIO);
    return {};
}

}  // namespace cella::net
