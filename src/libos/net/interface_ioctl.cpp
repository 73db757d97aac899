#include "interface_ioctl.h"

#include <asm-generic/errno.h>

#include "libos/base/vector.h"
#include "libos/host/host_net.h"
#include "libos/mm/user_memory.h"

namespace cella::net {
namespace {

using base::Error;

constexpr unsigned long kSiocGifConf = 0x8912;
constexpr std::size_t kIfreqSize = 40;
constexpr std::int32_t kMaxConf = 65536;

// The queries that take a struct ifreq in and out.
bool is_ifreq_query(unsigned long request) {
    switch (request) {
    case 0x8910:  // SIOCGIFNAME
    case 0x8913:  // SIOCGIFFLAGS
    case 0x8915:  // SIOCGIFADDR
    case 0x8917:  // SIOCGIFDSTADDR
    case 0x8919:  // SIOCGIFBRDADDR
    case 0x891b:  // SIOCGIFNETMASK
    case 0x891d:  // SIOCGIFMETRIC
    case 0x8921:  // SIOCGIFMTU
    case 0x8927:  // SIOCGIFHWADDR
    case 0x8933:  // SIOCGIFINDEX
    case 0x8942:  // SIOCGIFTXQLEN
    case 0x8970:  // SIOCGIFMAP
        return true;
    default: return false;
    }
}


// struct ifconf: a length and a pointer to the application's buffer.
struct InterfaceList {
    std::int32_t length;
    std::uint32_t pad;
    std::uint64_t buffer;
};

base::Result<long> list_interfaces(int host_fd, std::uint64_t arg) {
    InterfaceList list = TRY(mm::read_user<InterfaceList>(arg));
    InterfaceList host_list{};
    base::Vector<std::uint8_t> buffer;
    if (list.buffer) {
        if (list.length < 0) return Error::from_errno(EINVAL);
        std::int32_t room = list.length < kMaxConf ? list.length : kMaxConf;
        TRY(buffer.try_resize(static_cast<std::size_t>(room)));
        host_list.length = room;
        host_list.buffer = reinterpret_cast<std::uint64_t>(buffer.data());
    }
    long result = TRY(host::socket_ioctl(host_fd, kSiocGifConf, &host_list));
    if (host_list.length < 0 || (list.buffer && host_list.length > static_cast<std::int32_t>(buffer.size())))
        return Error::from_errno(EIO);
    if (list.buffer && host_list.length) TRY(mm::copy_to_user(list.buffer, buffer.data(), host_list.length));
    TRY(mm::write_user(arg, host_list.length));
    return result;
}

}  // namespace

bool is_interface_request(unsigned long request) { return request == kSiocGifConf || is_ifreq_query(request); }

base::Result<long> interface_ioctl(int host_fd, unsigned long request, std::uint64_t arg) {
    if (request == kSiocGifConf) return list_interfaces(host_fd, arg);
    if (!is_ifreq_query(request)) return Error::from_errno(ENOTTY);
    std::uint8_t request_block[kIfreqSize];
    TRY(mm::copy_from_user(request_block, arg, sizeof request_block));
    long result = TRY(host::socket_ioctl(host_fd, request, request_block));
    TRY(mm::copy_to_user(arg, request_block, sizeof request_block));
    return result;
}

}  // namespace cella::net
