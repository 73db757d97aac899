#include "socket_ops.h"

#include <asm-generic/errno.h>
#include <linux/io_uring.h>

#include "libos/mm/user_memory.h"

namespace cella::net::uring {
namespace {

using base::Error;

constexpr int kSockNonblock = 04000, kSockCloexec = 02000000;
constexpr std::size_t kMaxName = 128;

// The request's header: where each piece lives in its host memory.
struct RawMessage {
    std::uint64_t name;
    std::int32_t name_length;
    std::uint64_t iov;
    std::uint64_t iov_length;
    std::uint64_t control;
    std::uint64_t control_length;
    std::int32_t flags;
};
constexpr std::size_t kMessageAt = 0, kIovAt = 64, kLengthAt = 96, kNameAt = 128, kControlAt = 256;
static_assert(kControlAt + kControlRoom + 16 <= kHeaderBytes, "the timespec stays at the header's end");

template <typename T>
T* header_at(Request& request, std::size_t offset) {
    return reinterpret_cast<T*>(request.header().data() + offset);
}

std::size_t total_of(std::span<const host::IoSegment> data) {
    std::size_t total = 0;
    for (const host::IoSegment& segment : data) total += segment.length;
    return total;
}

// Copies between the message's segments and `buffer`, in either direction.
base::Result<void> gather(std::span<const host::IoSegment> data, bool checked, std::span<std::uint8_t> buffer) {
    std::size_t at = 0;
    for (const host::IoSegment& segment : data) {
        if (at == buffer.size()) break;
        std::size_t n = segment.length < buffer.size() - at ? segment.length : buffer.size() - at;
        if (checked)
            __builtin_memcpy(buffer.data() + at, reinterpret_cast<const void*>(segment.base), n);
        else
            TRY(mm::copy_from_user(buffer.data() + at, segment.base, n));
        at += n;
    }
    return {};
}

base::Result<void> scatter(std::span<const host::IoSegment> data, bool checked, std::span<const std::uint8_t> buffer) {
    std::size_t at = 0;
    for (const host::IoSegment& segment : data) {
        if (at == buffer.size()) break;
        std::size_t n = segment.length < buffer.size() - at ? segment.length : buffer.size() - at;
        if (checked)
            __builtin_memcpy(reinterpret_cast<void*>(segment.base), buffer.data() + at, n);
        else
            TRY(mm::copy_to_user(segment.base, buffer.data() + at, n));
        at += n;
    }
    return {};
}

// The outcome as the direct path's blocking host call would have ended.
base::Result<std::int32_t> ended(const Outcome& outcome, int timeout_errno) {
    if (outcome.result >= 0) return outcome.result;
    if (outcome.result == -ECANCELED && outcome.timed_out) return Error::from_errno(timeout_errno);
    if (outcome.result == -ECANCELED && outcome.interrupted) return Error::from_errno(EINTR);
    return Error::from_errno(-outcome.result);
}

// The header of a sendmsg or recvmsg of `length` bytes staged in the data.
RawMessage* stage_message(Request& request, const host::SocketMessage& message, std::size_t length,
                          std::size_t control_length) {
    auto* iov = header_at<host::IoSegment>(request, kIovAt);
    *iov = {reinterpret_cast<std::uint64_t>(request.data().data()), length};
    auto* raw = header_at<RawMessage>(request, kMessageAt);
    *raw = {};
    raw->iov = reinterpret_cast<std::uint64_t>(iov);
    raw->iov_length = 1;
    if (message.name) {
        raw->name = reinterpret_cast<std::uint64_t>(header_at<std::uint8_t>(request, kNameAt));
        raw->name_length = static_cast<std::int32_t>(message.name_length);
    }
    if (control_length) {
        raw->control = reinterpret_cast<std::uint64_t>(header_at<std::uint8_t>(request, kControlAt));
        raw->control_length = control_length;
    }
    return raw;
}

io_uring_sqe socket_sqe(std::uint8_t opcode, int fd) {
    io_uring_sqe sqe = {};
    sqe.opcode = opcode;
    sqe.fd = fd;
    return sqe;
}

}  // namespace

bool fits(std::size_t total, std::size_t control_length, bool stream) {
    return control_length <= kControlRoom && (stream || total <= kDataBytes);
}

base::Result<std::size_t> send(Ring& ring, int fd, const host::SocketMessage& message, bool checked, int flags,
                               std::int64_t timeout_ns, std::size_t& staged) {
    std::size_t total = total_of(message.data);
    staged = total < kDataBytes ? total : kDataBytes;
    if (message.name_length > kMaxName || message.control_length > kControlRoom) return Error::from_errno(EINVAL);
    Request request(ring);
    TRY(request.claim(Op::Send, staged));
    TRY(gather(message.data, checked, request.data().first(staged)));
    RawMessage* raw = stage_message(request, message, staged, message.control_length);
    if (message.name) __builtin_memcpy(header_at<std::uint8_t>(request, kNameAt), message.name, message.name_length);
    if (message.control_length)
        __builtin_memcpy(header_at<std::uint8_t>(request, kControlAt), message.control, message.control_length);
    io_uring_sqe sqe = socket_sqe(IORING_OP_SENDMSG, fd);
    sqe.addr = reinterpret_cast<std::uint64_t>(raw);
    sqe.msg_flags = static_cast<std::uint32_t>(flags);
    Outcome outcome = TRY(request.run(sqe, timeout_ns));
    return static_cast<std::size_t>(TRY(ended(outcome, EAGAIN)));
}

base::Result<std::size_t> receive(Ring& ring, int fd, host::SocketMessage& message, bool checked, int flags,
                                  std::int64_t timeout_ns, std::size_t& staged) {
    std::size_t total = total_of(message.data);
    staged = total < kDataBytes ? total : kDataBytes;
    std::size_t name_room = message.name_length < kMaxName ? message.name_length : kMaxName;
    std::size_t control_room = message.control_length < kControlRoom ? message.control_length : kControlRoom;
    Request request(ring);
    TRY(request.claim(Op::Receive, staged));
    host::SocketMessage offered = message;
    offered.name_length = static_cast<std::uint32_t>(name_room);
    RawMessage* raw = stage_message(request, offered, staged, message.control ? control_room : 0);
    io_uring_sqe sqe = socket_sqe(IORING_OP_RECVMSG, fd);
    sqe.addr = reinterpret_cast<std::uint64_t>(raw);
    sqe.msg_flags = static_cast<std::uint32_t>(flags);
    Outcome outcome = TRY(request.run(sqe, timeout_ns));
    std::size_t received = static_cast<std::size_t>(TRY(ended(outcome, EAGAIN)));
    // What the host wrote back into the header, read once and checked.
    RawMessage back;
    __builtin_memcpy(&back, raw, sizeof back);
    if (back.name_length < 0 || static_cast<std::size_t>(back.name_length) > (message.name ? name_room : 0) ||
        back.control_length > (message.control ? control_room : 0))
        return Error::from_errno(EIO);
    TRY(scatter(message.data, checked, request.data().first(received)));
    message.name_length = static_cast<std::uint32_t>(back.name_length);
    if (back.name_length) __builtin_memcpy(message.name, header_at<std::uint8_t>(request, kNameAt), back.name_length);
    message.control_length = back.control_length;
    if (back.control_length)
        __builtin_memcpy(message.control, header_at<std::uint8_t>(request, kControlAt), back.control_length);
    message.flags = back.flags;
    return received;
}

base::Result<int> accept(Ring& ring, int fd, std::span<std::uint8_t> address, std::uint32_t& length,
                         std::int64_t timeout_ns) {
    Request request(ring);
    TRY(request.claim(Op::Accept, 0));
    auto* offered = header_at<std::uint32_t>(request, kLengthAt);
    std::size_t room = address.size() < kMaxName ? address.size() : kMaxName;
    *offered = static_cast<std::uint32_t>(room);
    io_uring_sqe sqe = socket_sqe(IORING_OP_ACCEPT, fd);
    sqe.addr = reinterpret_cast<std::uint64_t>(header_at<std::uint8_t>(request, kNameAt));
    sqe.addr2 = reinterpret_cast<std::uint64_t>(offered);
    sqe.accept_flags = kSockNonblock | kSockCloexec;
    Outcome outcome = TRY(request.run(sqe, timeout_ns));
    int accepted = TRY(ended(outcome, EAGAIN));
    std::uint32_t full = __atomic_load_n(offered, __ATOMIC_RELAXED);
    // As the direct path: a name longer than any family has is a lie.
    if (full > 4096) {
        host::close(accepted);
        return Error::from_errno(EIO);
    }
    length = full;
    std::size_t copied = full < room ? full : room;
    __builtin_memcpy(address.data(), header_at<std::uint8_t>(request, kNameAt), copied);
    return accepted;
}

base::Result<void> connect(Ring& ring, int fd, std::span<const std::uint8_t> address, std::int64_t timeout_ns) {
    if (address.size() > kMaxName) return Error::from_errno(EINVAL);
    Request request(ring);
    TRY(request.claim(Op::Connect, 0));
    __builtin_memcpy(header_at<std::uint8_t>(request, kNameAt), address.data(), address.size());
    io_uring_sqe sqe = socket_sqe(IORING_OP_CONNECT, fd);
    sqe.addr = reinterpret_cast<std::uint64_t>(header_at<std::uint8_t>(request, kNameAt));
    sqe.off = address.size();
    Outcome outcome = TRY(request.run(sqe, timeout_ns));
    // Linux's __inet_stream_connect: a wait that timed out leaves the
    // connection in progress.
    TRY(ended(outcome, EINPROGRESS));
    return {};
}

}  // namespace cella::net::uring
