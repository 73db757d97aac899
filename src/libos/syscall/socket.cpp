// Sockets: socket, socketpair, bind, listen, accept, connect, the names,
// send/recv and their msg forms, shutdown, and the options. AF_UNIX is
// served inside the LibOS (net/); every other family is EAFNOSUPPORT for
// now (AF_INET and AF_INET6: issue 11).
#include <asm-generic/errno.h>
#include <asm/unistd.h>
#include <linux/fcntl.h>

#include "fs_args.h"
#include "iovec.h"
#include "libos/net/ancillary.h"
#include "libos/net/socket_file.h"
#include "libos/net/socket_options.h"
#include "libos/net/unix_names.h"
#include "libos/runtime/log.h"
#include "syscall.h"

namespace cella::syscall {
namespace {

using base::RefPtr;
using net::SocketFile;
using process::current_process;

constexpr int kAfInet = 2, kAfInet6 = 10, kMaxFamily = 46;  // NPROTO
constexpr int kSockTypeMask = 0xf, kSockMax = 11, kSockRaw = 3;
constexpr int kSockNonblock = O_NONBLOCK, kSockCloexec = O_CLOEXEC;
constexpr int kPfUnix = 1;

// The linux x86-64 struct msghdr.
struct MessageHeader {
    std::uint64_t name;
    std::int32_t name_length;
    std::uint32_t pad0;
    std::uint64_t iov;
    std::uint64_t iov_length;
    std::uint64_t control;
    std::uint64_t control_length;
    std::int32_t flags;
    std::uint32_t pad1;
};
static_assert(sizeof(MessageHeader) == 56);

Result<SocketFile*> socket_of(RefPtr<fs::OpenFile>& file, int fd) {
    file = TRY(file_of(fd));
    SocketFile* socket = net::as_socket(*file);
    if (!socket) return Error::from_errno(ENOTSOCK);
    return socket;
}

bool internet_family(int family) { return family == kAfInet || family == kAfInet6; }

// Logged once per family: programs probe families often (getaddrinfo).
std::uint64_t g_reported_families = 0;

Error unsupported_family(const char* call, int family) {
    std::uint64_t bit = std::uint64_t{1} << family;
    if (__atomic_fetch_or(&g_reported_families, bit, __ATOMIC_RELAXED) & bit) return Error::from_errno(EAFNOSUPPORT);
    if (internet_family(family))
        log::debug("%s: AF_INET/AF_INET6 sockets are not yet supported (issue 11): EAFNOSUPPORT", call);
    else
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
        // Linux's inet families have no socketpair at all.
        if (internet_family(family) && call[6] == 'p') return Error::from_errno(EOPNOTSUPP);
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
    int type = TRY(unix_type("socket", a.integer(0), a.integer(1), a.integer(2)));
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
    SocketFile* socket = TRY(socket_of(file, a.fd(0)));
    net::UnixAddress address = TRY(net::address_from_user(a.address(1), a.size(2), true));
    TRY(net::names::bind(current_process(), socket->socket(), address));
    return 0;
}

Result<long> sys_listen(SyscallArgs& a) {
    RefPtr<fs::OpenFile> file;
    SocketFile* socket = TRY(socket_of(file, a.fd(0)));
    TRY(socket->socket().listen(a.integer(1), net::peer_credentials_of_caller()));
    return 0;
}

// Linux autobinds a socket that passes credentials before it connects or
// sends datagrams, so that its peer can tell who spoke.
Result<void> autobind_if_passing_credentials(net::UnixSocket& socket) {
    if (!socket.options().pass_credentials) return {};
    return net::names::autobind(socket);
}

Result<long> sys_connect(SyscallArgs& a) {
    RefPtr<fs::OpenFile> file;
    SocketFile* socket = TRY(socket_of(file, a.fd(0)));
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
    SocketFile* socket = TRY(socket_of(file, a.fd(0)));
    RefPtr<net::UnixSocket> server = TRY(socket->socket().accept(socket->nonblocking()));
    RefPtr<fs::OpenFile> accepted = TRY(net::open_socket(server, flags));
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
    SocketFile* socket = TRY(socket_of(file, a.fd(0)));
    TRY(net::address_to_user(socket->socket().address(), a.address(1), a.address(2)));
    return 0;
}

Result<long> sys_getpeername(SyscallArgs& a) {
    RefPtr<fs::OpenFile> file;
    SocketFile* socket = TRY(socket_of(file, a.fd(0)));
    net::UnixAddress peer = TRY(socket->socket().peer_address());
    TRY(net::address_to_user(peer, a.address(1), a.address(2)));
    return 0;
}

// Where a send goes: a datagram's address names its receiver; a stream
// only notes that one was given (EISCONN or EOPNOTSUPP), a seqpacket
// ignores it, as Linux does.
Result<void> set_destination(net::SendRequest& request, net::UnixSocket& self, std::uint64_t name,
                             std::uint64_t length) {
    if (!name || !length) return {};
    if (length > net::kSockaddrStorage) return Error::from_errno(EINVAL);
    request.has_destination = true;
    if (self.type() != net::kSockDgram) return {};
    net::UnixAddress address = TRY(net::address_from_user(name, length, false));
    request.destination = TRY(net::names::find(current_process(), address, self.type()));
    return {};
}

Result<long> do_send(SocketFile& socket, net::SendRequest& request, std::uint64_t name, std::uint64_t name_length,
                     int flags) {
    request.flags = flags;
    request.nonblocking = socket.nonblocking() || (flags & net::kMsgDontWait);
    TRY(set_destination(request, socket.socket(), name, name_length));
    if (socket.socket().type() == net::kSockDgram) TRY(autobind_if_passing_credentials(socket.socket()));
    return static_cast<long>(TRY(socket.socket().send(request)));
}

// send/recv of one buffer: the request's only segment.
template <typename Request>
void set_buffer(Request& request, mm::UserSegment& segment) {
    request.data = {&segment, 1};
    request.total = segment.length;
}

// A struct msghdr and its iovec array, checked as copy_msghdr_from_user does.
Result<MessageHeader> read_header(std::uint64_t address, IovecList& list) {
    MessageHeader header = TRY(mm::read_user<MessageHeader>(address));
    if (header.name_length < 0) return Error::from_errno(EINVAL);
    TRY(list.import(header.iov, header.iov_length));
    return header;
}

Result<long> sys_sendmsg(SyscallArgs& a) {
    RefPtr<fs::OpenFile> file;
    SocketFile* socket = TRY(socket_of(file, a.fd(0)));
    IovecList list;
    MessageHeader header = TRY(read_header(a.address(1), list));
    net::SendRequest request;
    request.data = list.items();
    request.total = list.total();
    request.credentials = net::sender_credentials();
    if (header.control_length) TRY(net::read_control(header.control, header.control_length, request));
    std::uint64_t name_length = static_cast<std::uint64_t>(header.name_length);
    if (name_length > net::kSockaddrStorage) name_length = net::kSockaddrStorage;
    return do_send(*socket, request, header.name, name_length, a.integer(2));
}

Result<long> do_receive(SocketFile& socket, net::ReceiveRequest& request, int flags) {
    request.flags = flags;
    request.nonblocking = socket.nonblocking() || (flags & net::kMsgDontWait);
    return static_cast<long>(TRY(socket.socket().receive(request)));
}

// The sender's name for recvfrom/recvmsg: none (length 0) when it has none.
net::UnixAddress sender_name(const net::ReceiveRequest& request) {
    net::UnixAddress name = request.from;
    if (!request.has_from) name.length = 0;
    return name;
}

// sendto and recvfrom: one buffer, and a name.
Result<long> sys_sendto_recvfrom(SyscallArgs& a) {
    RefPtr<fs::OpenFile> file;
    SocketFile* socket = TRY(socket_of(file, a.fd(0)));
    mm::UserSegment segment{a.address(1), clamp_count(a.size(2))};
    if (a.nr == __NR_sendto) {
        net::SendRequest request;
        set_buffer(request, segment);
        request.credentials = net::sender_credentials();
        return do_send(*socket, request, a.address(4), static_cast<std::uint32_t>(a.arg[5]), a.integer(3));
    }
    net::ReceiveRequest request;
    set_buffer(request, segment);
    long received = TRY(do_receive(*socket, request, a.integer(3) & ~net::kMsgCmsgCloexec));
    if (a.address(4)) TRY(net::address_to_user(sender_name(request), a.address(4), a.address(5)));
    return received;
}

Result<long> sys_recvmsg(SyscallArgs& a) {
    RefPtr<fs::OpenFile> file;
    SocketFile* socket = TRY(socket_of(file, a.fd(0)));
    std::uint64_t header_address = a.address(1);
    IovecList list;
    MessageHeader header = TRY(read_header(header_address, list));
    net::ReceiveRequest request;
    request.data = list.items();
    request.total = list.total();
    long received = TRY(do_receive(*socket, request, a.integer(2)));
    if (header.name) {
        TRY(net::address_to_user(sender_name(request), header.name,
                                 header_address + __builtin_offsetof(MessageHeader, name_length)));
    }
    std::uint64_t control_used =
        header.control ? TRY(net::write_control(header.control, header.control_length, request)) : 0;
    if (!header.control && !request.files.is_empty()) request.message_flags |= net::kMsgCtrunc;
    TRY(mm::write_user(header_address + __builtin_offsetof(MessageHeader, control_length), control_used));
    TRY(mm::write_user(header_address + __builtin_offsetof(MessageHeader, flags), request.message_flags));
    return received;
}

Result<long> sys_shutdown(SyscallArgs& a) {
    RefPtr<fs::OpenFile> file;
    SocketFile* socket = TRY(socket_of(file, a.fd(0)));
    TRY(socket->socket().shutdown(static_cast<unsigned>(a.integer(1))));
    return 0;
}

Result<long> sys_getsockopt(SyscallArgs& a) {
    RefPtr<fs::OpenFile> file;
    SocketFile* socket = TRY(socket_of(file, a.fd(0)));
    TRY(net::get_option(socket->socket(), a.integer(1), a.integer(2), a.address(3), a.address(4)));
    return 0;
}

Result<long> sys_setsockopt(SyscallArgs& a) {
    RefPtr<fs::OpenFile> file;
    SocketFile* socket = TRY(socket_of(file, a.fd(0)));
    std::int32_t length = static_cast<std::int32_t>(a.arg[4]);
    if (length < 0) return Error::from_errno(EINVAL);
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
    {__NR_sendto, sys_sendto_recvfrom, "dbuxpu"},
    {__NR_recvfrom, sys_sendto_recvfrom, "dBuxpp"},
    {__NR_sendmsg, sys_sendmsg, "dpx"},
    {__NR_recvmsg, sys_recvmsg, "dpx"},
    {__NR_shutdown, sys_shutdown, "dd"},
    {__NR_getsockopt, sys_getsockopt, "dddpp"},
    {__NR_setsockopt, sys_setsockopt, "dddpu"},
};

}  // namespace

std::span<const SyscallSpec> socket_syscalls() { return kSpecs; }

}  // namespace cella::syscall
