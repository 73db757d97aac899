// Sockets: socket, socketpair, bind, listen, accept, connect, the names,
// shutdown, and the options (moving data: socket_messages.cpp). AF_UNIX is
// served inside the LibOS (net/unix_*); AF_INET, AF_INET6 and AF_NETLINK
// are host sockets (net/host_socket*); every other family is EAFNOSUPPORT.
#include <asm-generic/errno.h>
#include <asm/unistd.h>
#include <linux/fcntl.h>

#include "socket_args.h"
#include "libos/net/socket_options.h"
#include "libos/runtime/log.h"
#include "syscall.h"

namespace cella::syscall {
namespace {

using base::RefPtr;
using net::SocketFile;
using process::current_process;

constexpr int kMaxFamily = 46;  // NPROTO
constexpr int kSockTypeMask = 0xf, kSockMax = 11, kSockRaw = 3;
constexpr int kSockNonblock = O_NONBLOCK, kSockCloexec = O_CLOEXEC;
constexpr int kPfUnix = 1;

// Logged once per family: programs probe families often (getaddrinfo).
std::uint64_t g_reported_families = 0;

Error unsupported_family(const char* call, int family) {
    std::uint64_t bit = std::uint64_t{1} << family;
    if (__atomic_fetch_or(&g_reported_families, bit, __ATOMIC_RELAXED) & bit) return Error::from_errno(EAFNOSUPPORT);
    log::debug("%s: address family %d is not supported: EAFNOSUPPORT", call, family);
    return Error::from_errno(EAFNOSUPPORT);
}

// socket()'s checks in Linux's order; the AF_UNIX type, SOCK_RAW as SOCK_DGRAM.
Result<int> unix_type(const char* call, int family, int type, int protocol) {
    if ((type & ~kSockTypeMask) & ~(kSockNonblock | kSockCloexec)) return Error::from_errno(EINVAL);
    if (family < 0 || family >= kMaxFamily) return Error::from_errno(EAFNOSUPPORT);
    int kind = type & kSockTypeMask;
    if (kind >= kSockMax) return Error::from_errno(EINVAL);
    if (family != net::kAfUnix) {
        // Linux's inet and netlink families have no socketpair at all.
        if (net::is_host_family(family) && call[6] == 'p') return Error::from_errno(EOPNOTSUPP);
        return unsupported_family(call, family);
    }
    if (protocol != 0 && protocol != kPfUnix) return Error::from_errno(EPROTONOSUPPORT);
    if (kind == kSockRaw) return net::kSockDgram;
    if (kind != net::kSockStream && kind != net::kSockDgram && kind != net::kSockSeqpacket)
        return Error::from_errno(ESOCKTNOSUPPORT);
    return kind;
}

Result<long> install(RefPtr<net::UnixSocket> socket, int flags) {
    RefPtr<fs::OpenFile> file = TRY(net::open_socket(static_cast<RefPtr<net::UnixSocket>&&>(socket), flags));
    return TRY(current_process().fds().install(file, flags & kSockCloexec));
}

Result<long> sys_socket(SyscallArgs& a) {
    int family = a.integer(0), flags = a.integer(1);
    if (net::is_host_family(family)) {
        if ((flags & ~kSockTypeMask) & ~(kSockNonblock | kSockCloexec)) return Error::from_errno(EINVAL);
        RefPtr<fs::OpenFile> file = TRY(net::HostSocket::open(family, flags & kSockTypeMask, a.integer(2), flags));
        return TRY(current_process().fds().install(file, flags & kSockCloexec));
    }
    int type = TRY(unix_type("socket", family, flags, a.integer(2)));
    auto socket = TRY(net::UnixSocket::create(type, net::peer_credentials_of_caller()));
    return install(static_cast<RefPtr<net::UnixSocket>&&>(socket), a.integer(1));
}

Result<long> sys_socketpair(SyscallArgs& a) {
    int type = TRY(unix_type("socketpair", a.integer(0), a.integer(1), a.integer(2)));
    int flags = a.integer(1);
    RefPtr<net::UnixSocket> first, second;
    TRY(net::UnixSocket::create_pair(type, net::peer_credentials_of_caller(), first, second));
    RefPtr<fs::OpenFile> first_file = TRY(net::open_socket(static_cast<RefPtr<net::UnixSocket>&&>(first), flags));
    RefPtr<fs::OpenFile> second_file = TRY(net::open_socket(static_cast<RefPtr<net::UnixSocket>&&>(second), flags));
    return install_pair(first_file, second_file, flags & kSockCloexec, a.address(3));
}

Result<long> sys_bind(SyscallArgs& a) {
    RefPtr<fs::OpenFile> file;
    AnySocket any = TRY(any_socket_of(file, a.fd(0)));
    if (any.host) {
        TRY(any.host->bind(a.address(1), TRY(socket_length(a.arg[2]))));
        return 0;
    }
    SocketFile* socket = any.local;
    net::UnixAddress address = TRY(net::address_from_user(a.address(1), a.size(2), true));
    TRY(net::names::bind(current_process(), socket->socket(), address));
    return 0;
}

Result<long> sys_listen(SyscallArgs& a) {
    RefPtr<fs::OpenFile> file;
    AnySocket any = TRY(any_socket_of(file, a.fd(0)));
    if (any.host) {
        TRY(any.host->listen(a.integer(1)));
        return 0;
    }
    SocketFile* socket = any.local;
    TRY(socket->socket().listen(a.integer(1), net::peer_credentials_of_caller()));
    return 0;
}

Result<long> sys_connect(SyscallArgs& a) {
    RefPtr<fs::OpenFile> file;
    AnySocket any = TRY(any_socket_of(file, a.fd(0)));
    if (any.host) {
        TRY(any.host->connect(a.address(1), TRY(socket_length(a.arg[2]))));
        return 0;
    }
    SocketFile* socket = any.local;
    net::UnixSocket& self = socket->socket();
    if (self.type() == net::kSockDgram) {
        // AF_UNSPEC takes the default destination away.
        if (a.size(2) < net::kFamilyLength || a.size(2) > net::kSockaddrStorage) return Error::from_errno(EINVAL);
        std::uint16_t family = TRY(mm::read_user<std::uint16_t>(a.address(1)));
        if (family == net::kAfUnspec) {
            TRY(self.set_datagram_peer(nullptr));
            return 0;
        }
    }
    net::UnixAddress address = TRY(net::address_from_user(a.address(1), a.size(2), false));
    TRY(autobind_if_passing_credentials(self));
    RefPtr<net::UnixSocket> target = TRY(net::names::find(current_process(), address, self.type()));
    if (self.type() == net::kSockDgram) {
        TRY(self.set_datagram_peer(static_cast<RefPtr<net::UnixSocket>&&>(target)));
        return 0;
    }
    TRY(self.connect_to(*target, net::peer_credentials_of_caller(), socket->nonblocking()));
    return 0;
}

Result<long> do_accept(SyscallArgs& a, int flags) {
    if (flags & ~(kSockNonblock | kSockCloexec)) return Error::from_errno(EINVAL);
    RefPtr<fs::OpenFile> file;
    AnySocket any = TRY(any_socket_of(file, a.fd(0)));
    if (any.host) {
        RefPtr<fs::OpenFile> accepted = TRY(any.host->accept(flags, a.address(1), a.address(2)));
        return TRY(current_process().fds().install(accepted, flags & kSockCloexec));
    }
    SocketFile* socket = any.local;
    RefPtr<net::UnixSocket> server = TRY(socket->socket().accept(socket->nonblocking()));
    auto opened = net::open_socket(server, flags);
    if (opened.is_error()) {
        server->release();  // the client hears of it
        return opened.error();
    }
    RefPtr<fs::OpenFile> accepted = opened.release_value();
    if (a.address(1)) {
        net::UnixAddress peer = server->peer_address().value_or(net::UnixAddress());
        TRY(net::address_to_user(peer, a.address(1), a.address(2)));
    }
    return TRY(current_process().fds().install(accepted, flags & kSockCloexec));
}

Result<long> sys_accept(SyscallArgs& a) { return do_accept(a, 0); }
Result<long> sys_accept4(SyscallArgs& a) { return do_accept(a, a.integer(3)); }

Result<long> sys_getsockname(SyscallArgs& a) {
    RefPtr<fs::OpenFile> file;
    AnySocket any = TRY(any_socket_of(file, a.fd(0)));
    if (any.host) {
        TRY(any.host->name(false, a.address(1), a.address(2)));
        return 0;
    }
    SocketFile* socket = any.local;
    TRY(net::address_to_user(socket->socket().address(), a.address(1), a.address(2)));
    return 0;
}

Result<long> sys_getpeername(SyscallArgs& a) {
    RefPtr<fs::OpenFile> file;
    AnySocket any = TRY(any_socket_of(file, a.fd(0)));
    if (any.host) {
        TRY(any.host->name(true, a.address(1), a.address(2)));
        return 0;
    }
    SocketFile* socket = any.local;
    net::UnixAddress peer = TRY(socket->socket().peer_address());
    TRY(net::address_to_user(peer, a.address(1), a.address(2)));
    return 0;
}

Result<long> sys_shutdown(SyscallArgs& a) {
    RefPtr<fs::OpenFile> file;
    AnySocket any = TRY(any_socket_of(file, a.fd(0)));
    if (any.host) {
        TRY(any.host->shutdown(a.integer(1)));
        return 0;
    }
    SocketFile* socket = any.local;
    TRY(socket->socket().shutdown(static_cast<unsigned>(a.integer(1))));
    return 0;
}

Result<long> sys_getsockopt(SyscallArgs& a) {
    RefPtr<fs::OpenFile> file;
    AnySocket any = TRY(any_socket_of(file, a.fd(0)));
    if (any.host) {
        TRY(any.host->get_option(a.integer(1), a.integer(2), a.address(3), a.address(4)));
        return 0;
    }
    SocketFile* socket = any.local;
    TRY(net::get_option(socket->socket(), a.integer(1), a.integer(2), a.address(3), a.address(4)));
    return 0;
}

Result<long> sys_setsockopt(SyscallArgs& a) {
    RefPtr<fs::OpenFile> file;
    AnySocket any = TRY(any_socket_of(file, a.fd(0)));
    std::int32_t length = static_cast<std::int32_t>(a.arg[4]);
    if (length < 0) return Error::from_errno(EINVAL);
    if (any.host) {
        TRY(any.host->set_option(a.integer(1), a.integer(2), a.address(3), static_cast<std::uint32_t>(length)));
        return 0;
    }
    SocketFile* socket = any.local;
    TRY(net::set_option(socket->socket(), a.integer(1), a.integer(2), a.address(3), static_cast<std::uint32_t>(length)));
    return 0;
}

constexpr SyscallSpec kSpecs[] = {
    {__NR_socket, sys_socket, "ddd"},
    {__NR_socketpair, sys_socketpair, "dddp"},
    {__NR_bind, sys_bind, "dpu"},
    {__NR_listen, sys_listen, "dd"},
    {__NR_accept, sys_accept, "dpp"},
    {__NR_accept4, sys_accept4, "dppx"},
    {__NR_connect, sys_connect, "dpu"},
    {__NR_getsockname, sys_getsockname, "dpp"},
    {__NR_getpeername, sys_getpeername, "dpp"},
    {__NR_shutdown, sys_shutdown, "dd"},
    {__NR_getsockopt, sys_getsockopt, "dddpp"},
    {__NR_setsockopt, sys_setsockopt, "dddpu"},
};

}  // namespace

std::span<const SyscallSpec> socket_syscalls() { return kSpecs; }

}  // namespace cella::syscall
