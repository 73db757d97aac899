// Moving data through sockets: sendto/recvfrom, sendmsg/recvmsg with
// their names and control messages, and sendmmsg/recvmmsg.
#include <asm-generic/errno.h>
#include <asm/unistd.h>

#include "iovec.h"
#include "libos/host/host.h"
#include "libos/net/ancillary.h"
#include "libos/time/monotonic.h"
#include "socket_args.h"

namespace cella::syscall {
namespace {

using base::RefPtr;
using net::SocketFile;
using process::current_process;

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

// The bytes of a send or receive: application segments and their total.
template <typename Request>
void set_data(Request& request, std::span<const mm::UserSegment> data, std::size_t total) {
    request.data = data;
    request.total = total;
}

// A struct msghdr and its iovec array, checked as copy_msghdr_from_user does.
Result<MessageHeader> read_header(std::uint64_t address, IovecList& list) {
    MessageHeader header = TRY(mm::read_user<MessageHeader>(address));
    if (header.name_length < 0) return Error::from_errno(EINVAL);
    TRY(list.import(header.iov, header.iov_length));
    return header;
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

// sendto and recvfrom on a host socket.
Result<long> host_sendto_recvfrom(net::HostSocket& socket, SyscallArgs& a, const mm::UserSegment& segment) {
    net::HostMessage message;
    message.data = {&segment, 1};
    message.total = segment.length;
    message.name = a.address(4);
    if (a.nr == __NR_sendto) {
        if (message.name) message.name_length = TRY(socket_length(a.arg[5]));
        return static_cast<long>(TRY(socket.send(message, a.integer(3))));
    }
    if (message.name) message.name_length = TRY(socket_length(TRY(mm::read_user<std::int32_t>(a.address(5)))));
    long received = static_cast<long>(TRY(socket.receive(message, a.integer(3))));
    if (message.name) TRY(mm::write_user(a.address(5), message.name_filled));
    return received;
}

// sendmsg and recvmsg on a host socket, with the header already read.
Result<long> host_message(net::HostSocket& socket, const MessageHeader& header, const IovecList& list,
                          std::uint64_t header_address, int flags, bool send) {
    net::HostMessage message;
    message.data = list.items();
    message.total = list.total();
    message.name = header.name;
    // Linux cuts a longer name to sizeof(struct sockaddr_storage).
    message.name_length = header.name_length > 128 ? 128 : static_cast<std::uint32_t>(header.name_length);
    message.control = header.control;
    message.control_length = header.control_length;
    if (send) return static_cast<long>(TRY(socket.send(message, flags)));
    long received = static_cast<long>(TRY(socket.receive(message, flags)));
    if (header.name)
        TRY(mm::write_user(header_address + __builtin_offsetof(MessageHeader, name_length), message.name_filled));
    TRY(mm::write_user(header_address + __builtin_offsetof(MessageHeader, control_length), message.control_filled));
    TRY(mm::write_user(header_address + __builtin_offsetof(MessageHeader, flags), message.flags_out));
    return received;
}

// sendto and recvfrom: one buffer, and a name.
Result<long> sys_sendto_recvfrom(SyscallArgs& a) {
    RefPtr<fs::OpenFile> file;
    AnySocket any = TRY(any_socket_of(file, a.fd(0)));
    mm::UserSegment segment{a.address(1), clamp_count(a.size(2))};
    if (any.host) return host_sendto_recvfrom(*any.host, a, segment);
    SocketFile* socket = any.local;
    if (a.nr == __NR_sendto) {
        net::SendRequest request;
        set_data(request, {&segment, 1}, segment.length);
        request.credentials = net::sender_credentials();
        return do_send(*socket, request, a.address(4), static_cast<std::uint32_t>(a.arg[5]), a.integer(3));
    }
    net::ReceiveRequest request;
    set_data(request, {&segment, 1}, segment.length);
    long received = TRY(do_receive(*socket, request, a.integer(3) & ~net::kMsgCmsgCloexec));
    if (a.address(4)) TRY(net::address_to_user(sender_name(request), a.address(4), a.address(5)));
    return received;
}

// sendmsg and recvmsg of one struct msghdr.
Result<long> move_message(AnySocket any, std::uint64_t header_address, int flags, bool send) {
    IovecList list;
    MessageHeader header = TRY(read_header(header_address, list));
    if (any.host) return host_message(*any.host, header, list, header_address, flags, send);
    SocketFile& socket = *any.local;
    if (send) {
        net::SendRequest request;
        set_data(request, list.items(), list.total());
        request.credentials = net::sender_credentials();
        if (header.control_length) TRY(net::read_control(header.control, header.control_length, request));
        std::uint64_t name_length = static_cast<std::uint64_t>(header.name_length);
        if (name_length > net::kSockaddrStorage) name_length = net::kSockaddrStorage;
        return do_send(socket, request, header.name, name_length, flags);
    }
    net::ReceiveRequest request;
    set_data(request, list.items(), list.total());
    long received = TRY(do_receive(socket, request, flags));
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

Result<long> sys_sendmsg_recvmsg(SyscallArgs& a) {
    RefPtr<fs::OpenFile> file;
    AnySocket any = TRY(any_socket_of(file, a.fd(0)));
    return move_message(any, a.address(1), a.integer(2), a.nr == __NR_sendmsg);
}

// struct mmsghdr: a msghdr and the bytes that moved.
constexpr std::uint64_t kMmsgSize = 64, kMmsgLength = 56;
constexpr unsigned kMaxMessages = 1024;  // UIO_MAXIOV
constexpr int kMsgWaitForOne = 0x10000;
constexpr std::int64_t kNs = 1000000000;

// sendmmsg and recvmmsg: message after message until one fails; an error
// after the first is not reported (the count is), as Linux does.
// recvmmsg's timeout is looked at after each message, and MSG_WAITFORONE
// makes every receive after the first non-blocking.
Result<long> sys_sendmmsg_recvmmsg(SyscallArgs& a) {
    RefPtr<fs::OpenFile> file;
    AnySocket any = TRY(any_socket_of(file, a.fd(0)));
    bool send = a.nr == __NR_sendmmsg;
    unsigned count = static_cast<unsigned>(a.arg[2]);
    if (count > kMaxMessages) count = kMaxMessages;
    int flags = a.integer(3);
    std::int64_t deadline = -1;
    if (!send && a.address(4)) {
        struct {
            std::int64_t seconds, nanoseconds;
        } timeout = TRY(mm::read_user<decltype(timeout)>(a.address(4)));
        if (timeout.seconds < 0 || timeout.nanoseconds < 0 || timeout.nanoseconds >= kNs)
            return Error::from_errno(EINVAL);
        deadline = time::monotonic_ns() + timeout.seconds * kNs + timeout.nanoseconds;
    }
    unsigned done = 0;
    while (done < count) {
        std::uint64_t header = a.address(1) + done * kMmsgSize;
        auto moved = move_message(any, header, flags, send);
        if (moved.is_error()) {
            if (done) break;
            return moved.error();
        }
        TRY(mm::write_user(header + kMmsgLength, static_cast<std::uint32_t>(moved.value())));
        ++done;
        if (flags & kMsgWaitForOne) flags |= net::kMsgDontWait;
        if (deadline >= 0 && time::monotonic_ns() >= deadline) break;
    }
    return static_cast<long>(done);
}

constexpr SyscallSpec kSpecs[] = {
    {__NR_sendto, sys_sendto_recvfrom, "dbuxpu"},
    {__NR_recvfrom, sys_sendto_recvfrom, "dBuxpp"},
    {__NR_sendmsg, sys_sendmsg_recvmsg, "dpx"},
    {__NR_recvmsg, sys_sendmsg_recvmsg, "dpx"},
    {__NR_sendmmsg, sys_sendmmsg_recvmmsg, "dpux"},
    {__NR_recvmmsg, sys_sendmmsg_recvmmsg, "dpuxp"},
};

}  // namespace

std::span<const SyscallSpec> socket_message_syscalls() { return kSpecs; }

}  // namespace cella::syscall
