// Moving data through host sockets: send and receive with names, control
// messages, MSG_* flags and blocking done by the LibOS.
#include <asm-generic/errno.h>

#include "host_control.h"
#include "host_socket.h"
#include "libos/base/vector.h"
#include "libos/host/host_net.h"
#include "libos/process/current.h"
#include "libos/process/signals.h"
#include "netlink_filter.h"
#include "unix_socket.h"

namespace cella::net {
namespace {

using base::Error;

constexpr std::uint32_t kMaxName = 128;
constexpr std::uint64_t kOptMemMax = 20480;       // net.core.optmem_max
constexpr std::uint64_t kMaxReceiveControl = 65536;
constexpr int kAfNetlink = 16;

// The message's segments as host segments, each checked for the access
// the transfer needs unless already checked; the first starts `skip` bytes in.
Result<void> host_segments(const HostMessage& message, std::size_t skip, bool write,
                           base::Vector<host::IoSegment>& out) {
    std::span<const mm::UserSegment> data = message.data;
    out.clear();
    for (const mm::UserSegment& segment : data) {
        if (skip >= segment.length) {
            skip -= segment.length;
            continue;
        }
        std::uint64_t base = segment.base + skip, length = segment.length - skip;
        skip = 0;
        if (!message.data_checked && write) TRY(mm::user_writable(base, length));
        if (!message.data_checked && !write) TRY(mm::user_readable(base, length));
        TRY(out.try_append(host::IoSegment{base, length}));
    }
    return {};
}

}  // namespace

Result<std::size_t> HostSocket::send(HostMessage& message, int flags) {
    std::uint8_t name[kMaxName];
    std::uint32_t name_length = 0;
    if (message.name && message.name_length) {
        if (message.name_length > kMaxName) return Error::from_errno(EINVAL);
        TRY(mm::copy_from_user(name, message.name, message.name_length));
        name_length = message.name_length;
    }
    base::Vector<std::uint8_t> control;
    if (message.control_length) {
        if (message.control_length > kOptMemMax) return Error::from_errno(ENOBUFS);
        TRY(control.try_resize(message.control_length));
        TRY(mm::copy_from_user(control.data(), message.control, message.control_length));
        TRY(check_outgoing_control({control.data(), control.size()}));
    }
    // Netlink requests are read into the LibOS and checked there, so that
    // what the host gets is what was checked.
    base::Vector<std::uint8_t> gathered;
    mm::UserSegment gathered_segment{};
    HostMessage checked_message = message;
    if (family_ == kAfNetlink) {
        TRY(gathered.try_resize(message.total));
        std::size_t at = 0;
        for (const mm::UserSegment& segment : message.data) {
            if (message.data_checked)
                __builtin_memcpy(gathered.data() + at, reinterpret_cast<const void*>(segment.base), segment.length);
            else
                TRY(mm::copy_from_user(gathered.data() + at, segment.base, segment.length));
            at += segment.length;
        }
        TRY(check_netlink_request({gathered.data(), gathered.size()}));
        gathered_segment = {reinterpret_cast<std::uint64_t>(gathered.data()), gathered.size()};
        checked_message.data = {&gathered_segment, 1};
        checked_message.data_checked = true;
    }
    // A send that may wait does so at the host, in one host call, which
    // sends everything unless SO_SNDTIMEO passes or a kick comes.
    bool wait = blocking(flags);
    std::size_t sent = 0;
    base::Vector<host::IoSegment> segments;
    while (true) {
        TRY(host_segments(checked_message, sent, false, segments));
        host::SocketMessage out;
        out.name = name_length ? name : nullptr;
        out.name_length = name_length;
        out.data = {segments.data(), segments.size()};
        // Control data goes with the first piece only.
        out.control = sent || control.is_empty() ? nullptr : control.data();
        out.control_length = sent ? 0 : control.size();
        int host_flags = (flags & ~kMsgDontWait) | (wait ? 0 : kMsgDontWait) | kMsgNoSignal;
        Attempt attempt;
        auto moved = send_once(out, checked_message.data_checked, host_flags, wait, attempt);
        if (!moved.is_error()) {
            sent += moved.value();
            if (type_ != kSockStream || sent >= message.total || !wait) return sent;
            // Short only when the host stopped waiting (a kick, the
            // timeout), unless the mode changed under it; a ring request
            // that carried all it could makes room for the next piece.
            if (moved.value() == attempt.staged || raced(attempt)) continue;
            return sent;
        }
        int code = moved.error().code();
        if (wait && code == EAGAIN && raced(attempt)) continue;
        if (sent) return sent;
        if (code == EPIPE && !(flags & kMsgNoSignal)) process::raise_sigpipe();
        return wait ? host_wait_error(moved.error(), send_timeout_ns_) : moved.error();
    }
}

Result<bool> HostSocket::receive_local(HostMessage& message, int flags, std::size_t& received) {
    base::ScopedLock guard(local_lock_);
    if (local_messages_.is_empty()) return false;
    const base::Vector<std::uint8_t>& first = local_messages_[0];
    std::size_t at = 0;
    for (const mm::UserSegment& segment : message.data) {
        if (at == first.size()) break;
        std::size_t n = first.size() - at < segment.length ? first.size() - at : segment.length;
        TRY(mm::copy_to_user(segment.base, first.data() + at, n));
        at += n;
    }
    message.name_filled = 0;
    message.control_filled = 0;
    message.flags_out = at < first.size() ? kMsgTrunc : 0;
    received = (flags & kMsgTrunc) ? first.size() : at;
    if (!(flags & kMsgPeek)) local_messages_.remove(0);
    return true;
}

Result<std::size_t> HostSocket::receive(HostMessage& message, int flags) {
    std::uint8_t name[kMaxName];
    base::Vector<std::uint8_t> control;
    if (message.control && message.control_length) {
        TRY(control.try_resize(message.control_length < kMaxReceiveControl ? message.control_length
                                                                             : kMaxReceiveControl));
    }
    bool wait = blocking(flags);
    // A receive that may wait does so at the host, in one host call (the
    // host then keeps MSG_WAITALL and SO_RCVTIMEO); netlink's waits stay
    // the LibOS's, whose own messages must end them.
    bool host_wait = wait && family_ != kAfNetlink;
    bool wait_all = (flags & kMsgWaitAll) && type_ == kSockStream && wait && !host_wait && !(flags & kMsgPeek);
    std::size_t received = 0;
    base::Vector<host::IoSegment> segments;
    while (true) {
        // A local message may be what ended the last wait.
        std::size_t local = 0;
        if (!received && TRY(receive_local(message, flags, local))) return local;
        TRY(host_segments(message, received, true, segments));
        host::SocketMessage in;
        in.name = name;
        in.name_length = kMaxName;
        in.data = {segments.data(), segments.size()};
        in.control = received || control.is_empty() ? nullptr : control.data();
        in.control_length = received ? 0 : control.size();
        int host_flags = host_wait ? flags & ~(kMsgDontWait | kMsgCmsgCloexec)
                                   : (flags & ~(kMsgDontWait | kMsgWaitAll | kMsgCmsgCloexec)) | kMsgDontWait;
        Attempt attempt;
        auto moved = receive_once(in, message.data_checked, host_flags, wait, attempt);
        if (!moved.is_error()) {
            if (!received) {
                message.name_filled = in.name_length;
                if (message.name && in.name_length) {
                    std::uint32_t room = message.name_length < in.name_length ? message.name_length : in.name_length;
                    TRY(mm::copy_to_user(message.name, name, room));
                }
                message.control_filled = in.control_length;
                if (in.control_length) {
                    TRY(check_incoming_control({control.data(), in.control_length}));
                    TRY(mm::copy_to_user(message.control, control.data(), in.control_length));
                }
                message.flags_out = in.flags;
            }
            received += moved.value();
            // The host keeps MSG_WAITALL for what one call carries; a ring
            // request carries at most its buffer.
            bool more = host_wait && (flags & kMsgWaitAll) && !(flags & kMsgPeek) && type_ == kSockStream &&
                        moved.value() == attempt.staged && !attempt.direct;
            if (more && received < message.total) continue;
            if (!wait_all || moved.value() == 0 || received >= message.total) return received;
            continue;
        }
        if (host_wait) {
            // Another thread made the socket non-blocking before this
            // receive reached the host.
            if (moved.error().code() == EAGAIN && raced(attempt)) continue;
            if (received) return received;
            return host_wait_error(moved.error(), receive_timeout_ns_);
        }
        if (moved.error().code() == EAGAIN && wait) {
            auto waited = wait_for(0x1, receive_timeout_ns_);
            if (!waited.is_error()) continue;
            if (received) return received;
            return waited.error();
        }
        if (received) return received;
        return moved.error();
    }
}

Result<std::size_t> HostSocket::transfer(std::span<const mm::UserSegment> segments, std::size_t total, bool write,
                                         bool checked) {
    HostMessage message;
    message.data = segments;
    message.total = total;
    message.data_checked = checked;
    if (write) return send(message, 0);
    // As Linux's sock_read_iter: reading nothing takes no message.
    if (total == 0) return std::size_t{0};
    return receive(message, 0);
}

Result<std::size_t> HostSocket::read(std::span<std::uint8_t> out) {
    mm::UserSegment segment{reinterpret_cast<std::uint64_t>(out.data()), out.size()};
    return transfer({&segment, 1}, out.size(), false, true);
}

Result<std::size_t> HostSocket::write(std::span<const std::uint8_t> data) {
    mm::UserSegment segment{reinterpret_cast<std::uint64_t>(data.data()), data.size()};
    return transfer({&segment, 1}, data.size(), true, true);
}

}  // namespace cella::net
