// Moving data through AF_UNIX sockets: byte streams (a write is cut into
// messages of at most half the SO_SNDBUF, reads take across them), and
// datagrams and seqpackets (one message per send, MSG_TRUNC for what
// does not fit), as Linux's unix_stream_sendmsg, unix_dgram_sendmsg and
// their receive sides do.
#include <asm-generic/errno.h>

#include <cstring>

#include "libos/fs/open_file.h"
#include "libos/process/current.h"
#include "libos/process/signals.h"
#include "libos/runtime/log.h"
#include "socket_wait.h"
#include "unix_socket.h"

namespace cella::net {
namespace {

using base::Error;
using Segments = std::span<const mm::UserSegment>;

// Copies `n` bytes at offset `at` of the application's segments into
// `buffer` (gather) or from `buffer` into them (scatter).
Result<void> copy_segments(Segments segments, std::size_t at, std::uint8_t* buffer, std::size_t n, bool to_user) {
    for (const mm::UserSegment& segment : segments) {
        if (!n) break;
        if (at >= segment.length) {
            at -= segment.length;
            continue;
        }
        std::size_t piece = segment.length - at < n ? segment.length - at : n;
        TRY(to_user ? mm::copy_to_user(segment.base + at, buffer, piece)
                    : mm::copy_from_user(buffer, segment.base + at, piece));
        buffer += piece;
        n -= piece;
        at = 0;
    }
    return {};
}

Result<void> gather(Segments segments, std::size_t at, std::uint8_t* to, std::size_t n) {
    return copy_segments(segments, at, to, n, false);
}

Result<void> scatter(Segments segments, std::size_t at, const std::uint8_t* from, std::size_t n) {
    return copy_segments(segments, at, const_cast<std::uint8_t*>(from), n, true);
}

Result<base::OwnPtr<Message>> make_message(SendRequest& request, std::size_t at, std::size_t n) {
    auto message = TRY(base::make_own<Message>());
    TRY(message->data.try_resize(n));
    TRY(gather(request.data, at, message->data.data(), n));
    message->credentials = request.credentials;
    message->files = static_cast<base::Vector<RefPtr<fs::OpenFile>>&&>(request.files);
    return message;
}

Error broken_pipe(bool signal) {
    if (signal) process::raise_sigpipe();
    return Error::from_errno(EPIPE);
}

Result<void> take_files(ReceiveRequest& request, Message& message, bool peek) {
    if (!peek) {
        request.files = static_cast<base::Vector<RefPtr<fs::OpenFile>>&&>(message.files);
        return {};
    }
    for (RefPtr<fs::OpenFile>& file : message.files) TRY(request.files.try_append(file));
    return {};
}

// What the receive reports beside the bytes: the sender's name and credentials.
void describe_sender(ReceiveRequest& request, RefPtr<UnixSocket>& sender) {
    if (!sender) return;
    request.from = sender->address();
    request.has_from = request.from.bound();
}

Error not_yet_oob() {
    log::debug("AF_UNIX: MSG_OOB (out-of-band data) is not supported yet: EOPNOTSUPP");
    return Error::from_errno(EOPNOTSUPP);
}

}  // namespace

Result<std::size_t> UnixSocket::send(SendRequest& request) {
    if (request.flags & kMsgOob) return not_yet_oob();
    if (request.has_destination && type_ == kSockStream)
        return Error::from_errno(is_connected() ? EISCONN : EOPNOTSUPP);
    return type_ == kSockStream ? send_stream(request) : send_record(request);
}

Result<std::size_t> UnixSocket::receive(ReceiveRequest& request) {
    if (request.flags & kMsgOob) return not_yet_oob();
    return type_ == kSockStream ? receive_stream(request) : receive_record(request);
}

void UnixSocket::enqueue(base::OwnPtr<Message> message, UnixSocket& sender) {
    message->sender = RefPtr<UnixSocket>(&sender);
    message->charge = message->data.size() + kMessageOverhead;
    __atomic_fetch_add(&sender.in_flight_, message->charge, __ATOMIC_RELAXED);
    queue_.push(*message.leak());
}

Result<void> UnixSocket::wait_for_send_room(ipc::Waiter& waiter, bool nonblocking, std::int64_t deadline) {
    while (true) {
        {
            base::ScopedLock guard(lock_);
            if (in_flight() < options_.send_buffer || (shutdown_ & kShutdownWrite)) return {};
            wants_room_ = true;
        }
        if (nonblocking) return Error::from_errno(EAGAIN);
        TRY(wait_until(waiter, deadline));
    }
}

Result<std::size_t> UnixSocket::send_stream(SendRequest& request) {
    ipc::Waiter waiter;
    waiter.watch(changed_);
    std::int64_t deadline = deadline_after(options().send_timeout_ns);
    bool signal = !(request.flags & kMsgNoSignal);
    std::size_t sent = 0;
    while (true) {
        RefPtr<UnixSocket> peer;
        std::size_t chunk;
        {
            base::ScopedLock guard(lock_);
            if (shutdown_ & kShutdownWrite) return sent ? Result<std::size_t>(sent) : broken_pipe(signal);
            if (state_ != State::Connected || !peer_) return Error::from_errno(ENOTCONN);
            peer = peer_;
            chunk = options_.send_buffer / 2 - 64;
        }
        if (sent == request.total) return sent;
        auto room = wait_for_send_room(waiter, request.nonblocking, deadline);
        if (room.is_error()) return sent ? Result<std::size_t>(sent) : room.error();
        std::size_t n = request.total - sent < chunk ? request.total - sent : chunk;
        auto made = make_message(request, sent, n);
        if (made.is_error()) return sent ? Result<std::size_t>(sent) : made.error();
        base::OwnPtr<Message> message = made.release_value();
        bool refused = false;
        {
            base::ScopedLock guard(peer->lock_);
            if (peer->released_ || (peer->shutdown_ & kShutdownRead))
                refused = true;
            else
                peer->enqueue(static_cast<base::OwnPtr<Message>&&>(message), *this);
        }
        if (refused) {
            message = nullptr;
            return sent ? Result<std::size_t>(sent) : broken_pipe(signal);
        }
        peer->changed_.notify_all();
        peer->async_.signal(ipc::IoReason::In);
        sent += n;
    }
}

Result<std::size_t> UnixSocket::send_record(SendRequest& request) {
    RefPtr<UnixSocket> target;
    std::int64_t deadline;
    {
        base::ScopedLock guard(lock_);
        if (request.total + 32 > options_.send_buffer) return Error::from_errno(EMSGSIZE);
        if (shutdown_ & kShutdownWrite) return Error::from_errno(EPIPE);
        if (type_ == kSockSeqpacket) {
            // A seqpacket socket sends to its peer, whatever address it is given.
            if (state_ != State::Connected) return Error::from_errno(ENOTCONN);
            target = peer_;
        } else {
            target = request.destination ? request.destination : peer_;
        }
        if (!target) return Error::from_errno(ENOTCONN);
        deadline = deadline_after(options_.send_timeout_ns);
    }
    ipc::Waiter waiter;
    waiter.watch(changed_);
    waiter.watch(target->room_);
    TRY(wait_for_send_room(waiter, request.nonblocking, deadline));
    base::OwnPtr<Message> message = TRY(make_message(request, 0, request.total));
    while (true) {
        int refused = 0;
        bool full = false;
        {
            base::ScopedLock guard(target->lock_);
            if (target->released_)
                refused = type_ == kSockSeqpacket ? EPIPE : ECONNREFUSED;
            else if (type_ == kSockDgram && target->peer_ && target->peer_.get() != this)
                refused = EPERM;
            else if (target->shutdown_ & kShutdownRead)
                refused = EPIPE;
            else if (target->peer_.get() != this && target->queue_.count() > kMaxDatagramQueue)
                full = true;
            else
                target->enqueue(static_cast<base::OwnPtr<Message>&&>(message), *this);
        }
        if (refused) {
            message = nullptr;
            // A datagram peer that is gone is forgotten (the next send is ENOTCONN).
            if (refused == ECONNREFUSED) {
                bool was_peer;
                {
                    base::ScopedLock guard(lock_);
                    was_peer = peer_ == target;
                    if (was_peer) peer_ = nullptr;
                }
                if (was_peer) datagram_disconnected(*target);
            }
            return Error::from_errno(refused);
        }
        if (!full) break;
        if (request.nonblocking) return Error::from_errno(EAGAIN);
        TRY(wait_until(waiter, deadline));
    }
    target->changed_.notify_all();
    target->async_.signal(ipc::IoReason::In);
    return request.total;
}

Result<std::size_t> UnixSocket::receive_stream(ReceiveRequest& request) {
    ipc::Waiter waiter;
    waiter.watch(changed_);
    Options options = this->options();
    std::int64_t deadline = deadline_after(options.receive_timeout_ns);
    bool peek = request.flags & kMsgPeek;
    std::size_t low_water = options.receive_low_water > 0 ? static_cast<std::size_t>(options.receive_low_water) : 1;
    std::size_t target = (request.flags & kMsgWaitAll) || low_water > request.total ? request.total : low_water;
    std::size_t copied = 0;
    MessageQueue finished;  // destroyed unlocked, at the end
    RefPtr<UnixSocket> first_sender;
    Result<std::size_t> result = std::size_t{0};
    while (true) {
        bool took_files = false, failed = false;
        {
            base::ScopedLock guard(lock_);
            if (state_ != State::Connected) return Error::from_errno(EINVAL);
            std::size_t skip = peek ? copied : 0;
            bool check_credentials = options_.pass_credentials;
            queue_.for_each([&](Message& message) {
                if (copied >= request.total) return false;
                if (skip >= message.left()) {
                    skip -= message.left();
                    return true;
                }
                // Writes of different senders are not glued together when credentials are passed.
                if (copied && check_credentials &&
                    (message.credentials.pid != request.credentials.pid ||
                     message.credentials.uid != request.credentials.uid ||
                     message.credentials.gid != request.credentials.gid))
                    return false;
                std::size_t n = message.left() - skip < request.total - copied ? message.left() - skip
                                                                               : request.total - copied;
                auto stored = scatter(request.data, copied, message.data.data() + message.taken + skip, n);
                if (stored.is_error()) {
                    failed = true;
                    if (!copied) result = stored.error();
                    return false;
                }
                if (!copied) {
                    first_sender = message.sender;
                    request.credentials = message.credentials;
                    request.has_credentials = check_credentials;
                }
                copied += n;
                skip = 0;
                if (!message.files.is_empty()) {
                    if (take_files(request, message, peek).is_error()) failed = true;
                    took_files = true;
                }
                if (!peek) {
                    message.taken += n;
                    queue_.consumed(n);
                }
                // A message that carried files ends the read, as on Linux.
                return !took_files;
            });
            if (!peek)
                while (queue_.first() && queue_.first()->left() == 0) finished.push(*queue_.take_first().leak());
            if (!failed && !took_files && copied < target) {
                if (error_) {
                    if (!copied) result = Error::from_errno(error_);
                    error_ = 0;
                    failed = true;
                } else if (shutdown_ & kShutdownRead) {
                    failed = true;
                } else if (request.nonblocking) {
                    if (!copied) result = Error::from_errno(EAGAIN);
                    failed = true;
                }
            }
        }
        if (failed || took_files || copied >= target) break;
        auto waited = wait_until(waiter, deadline);
        if (waited.is_error()) {
            if (!copied) result = waited.error();
            break;
        }
    }
    if (finished.count()) room_.notify_all();
    describe_sender(request, first_sender);
    if (copied) return copied;
    return result;
}

Result<std::size_t> UnixSocket::receive_record(ReceiveRequest& request) {
    ipc::Waiter waiter;
    waiter.watch(changed_);
    std::int64_t deadline = deadline_after(options().receive_timeout_ns);
    bool peek = request.flags & kMsgPeek;
    base::OwnPtr<Message> finished;
    RefPtr<UnixSocket> sender;
    base::Vector<RefPtr<UnixSocket>> watchers;
    std::size_t result;
    while (true) {
        {
            base::ScopedLock guard(lock_);
            if (type_ == kSockSeqpacket && state_ != State::Connected) return Error::from_errno(ENOTCONN);
            if (Message* message = queue_.first()) {
                std::size_t n = message->left() < request.total ? message->left() : request.total;
                TRY(scatter(request.data, 0, message->data.data() + message->taken, n));
                if (message->left() > request.total) request.message_flags |= kMsgTrunc;
                result = (request.flags & kMsgTrunc) ? message->left() : n;
                sender = message->sender;
                request.credentials = message->credentials;
                request.has_credentials = options_.pass_credentials;
                TRY(take_files(request, *message, peek));
                if (!peek) {
                    finished = queue_.take_first();
                    watchers = take_room_watchers();
                }
                break;
            }
            if (error_) {
                int error = error_;
                error_ = 0;
                return Error::from_errno(error);
            }
            if (shutdown_ & kShutdownRead) return std::size_t{0};
            if (request.nonblocking) return Error::from_errno(EAGAIN);
        }
        TRY(wait_until(waiter, deadline));
    }
    if (finished) room_.notify_all();
    for (RefPtr<UnixSocket>& watcher : watchers) watcher->changed_.notify_all();
    describe_sender(request, sender);
    return result;
}

}  // namespace cella::net
