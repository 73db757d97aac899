// Naming and connecting AF_UNIX sockets: bind's record, listen, connect,
// accept, shutdown, with Linux's answers (af_unix.c).
#include <asm-generic/errno.h>

#include "socket_wait.h"
#include "unix_names.h"
#include "unix_socket.h"

namespace cella::net {
namespace {

using base::Error;

}  // namespace

Result<void> UnixSocket::bind(const UnixAddress& address, RefPtr<fs::Inode> node) {
    base::ScopedLock guard(lock_);
    if (address_.bound()) return Error::from_errno(EINVAL);
    address_ = address;
    node_ = static_cast<RefPtr<fs::Inode>&&>(node);
    return {};
}

UnixAddress UnixSocket::address() {
    base::ScopedLock guard(lock_);
    return address_;
}

Result<UnixAddress> UnixSocket::peer_address() {
    RefPtr<UnixSocket> peer;
    {
        base::ScopedLock guard(lock_);
        if (!peer_ || (type_ != kSockDgram && state_ != State::Connected)) return Error::from_errno(ENOTCONN);
        peer = peer_;
    }
    return peer->address();
}

Result<void> UnixSocket::listen(int backlog, const Credentials& caller) {
    if (type_ == kSockDgram) return Error::from_errno(EOPNOTSUPP);
    if (static_cast<unsigned>(backlog) > kMaxBacklog) backlog = kMaxBacklog;
    {
        base::ScopedLock guard(lock_);
        if (!address_.bound() || (state_ != State::Unconnected && state_ != State::Listening) || connecting_)
            return Error::from_errno(EINVAL);
        max_backlog_ = backlog;
        state_ = State::Listening;
        // Connecting sockets see the credentials of the listen() caller.
        owner_ = caller;
    }
    room_.notify_all();
    return {};
}

Result<void> UnixSocket::connect_to(UnixSocket& listener, const Credentials& caller, bool nonblocking) {
    {
        base::ScopedLock guard(lock_);
        if (state_ == State::Connected) return Error::from_errno(EISCONN);
        if (state_ == State::Listening || connecting_) return Error::from_errno(EINVAL);
        connecting_ = true;
    }
    auto connected = [&]() -> Result<void> {
        // The server's end of the connection, queued on the listener.
        RefPtr<UnixSocket> server = TRY(create(type_, caller));
        server->peer_ = RefPtr<UnixSocket>(this);
        server->peer_credentials_ = caller;
        server->state_ = State::Connected;
        Options options = this->options();
        std::int64_t deadline = deadline_after(options.send_timeout_ns);
        ipc::Waiter waiter;
        waiter.watch(listener.room_);
        Credentials listener_credentials;
        while (true) {
            {
                base::ScopedLock guard(listener.lock_);
                if (listener.state_ != State::Listening || listener.released_) return Error::from_errno(ECONNREFUSED);
                // Linux's unix_recvq_full: one more than the backlog fits.
                if (static_cast<int>(listener.backlog_.size()) <= listener.max_backlog_) {
                    server->address_ = listener.address_;
                    server->options_.send_buffer = listener.options_.send_buffer;
                    server->options_.receive_buffer = listener.options_.receive_buffer;
                    server->options_.pass_credentials = listener.options_.pass_credentials;
                    listener_credentials = listener.owner_;
                    TRY(listener.backlog_.try_append(server));
                    break;
                }
            }
            if (nonblocking) return Error::from_errno(EAGAIN);
            TRY(wait_until(waiter, deadline));
        }
        listener.changed_.notify_all();
        listener.async_.signal(ipc::IoReason::In);
        base::ScopedLock guard(lock_);
        peer_ = static_cast<RefPtr<UnixSocket>&&>(server);
        peer_credentials_ = listener_credentials;
        state_ = State::Connected;
        return {};
    }();
    {
        base::ScopedLock guard(lock_);
        connecting_ = false;
    }
    changed_.notify_all();
    return connected;
}

Result<void> UnixSocket::set_datagram_peer(RefPtr<UnixSocket> peer) {
    if (peer) {
        // A socket connected to another one takes nothing from this one (EPERM).
        base::ScopedLock guard(peer->lock_);
        if (peer->peer_ && peer->peer_.get() != this) return Error::from_errno(EPERM);
    }
    RefPtr<UnixSocket> old;
    bool other = false;
    {
        base::ScopedLock guard(lock_);
        old = static_cast<RefPtr<UnixSocket>&&>(peer_);
        other = old && old != peer;
        peer_ = static_cast<RefPtr<UnixSocket>&&>(peer);
    }
    if (other) datagram_disconnected(*old);
    changed_.notify_all();
    return {};
}

void UnixSocket::datagram_disconnected(UnixSocket& old) {
    MessageQueue dropped;  // destroyed unlocked, at the end
    {
        base::ScopedLock guard(lock_);
        queue_.take_all(dropped);
    }
    if (!dropped.count()) return;
    room_.notify_all();
    {
        base::ScopedLock guard(old.lock_);
        if (old.released_ || old.peer_.get() != this) return;
        old.error_ = ECONNRESET;
    }
    old.changed_.notify_all();
}

Result<RefPtr<UnixSocket>> UnixSocket::accept(bool nonblocking) {
    if (type_ == kSockDgram) return Error::from_errno(EOPNOTSUPP);
    ipc::Waiter waiter;
    waiter.watch(changed_);
    std::int64_t deadline = deadline_after(options().receive_timeout_ns);
    while (true) {
        {
            base::ScopedLock guard(lock_);
            if (state_ != State::Listening) return Error::from_errno(EINVAL);
            if (!backlog_.is_empty()) {
                RefPtr<UnixSocket> server = static_cast<RefPtr<UnixSocket>&&>(backlog_[0]);
                backlog_.remove(0);
                lock_.unlock();
                room_.notify_all();
                lock_.lock();
                return server;
            }
        }
        if (nonblocking) return Error::from_errno(EAGAIN);
        TRY(wait_until(waiter, deadline));
    }
}

// Linux's unix_shutdown: the peer of a stream or seqpacket hears of it
// (our SHUT_WR is its end of input, our SHUT_RD makes its writes EPIPE).
Result<void> UnixSocket::shutdown(unsigned how) {
    if (how > 2) return Error::from_errno(EINVAL);
    unsigned mode = how + 1;
    RefPtr<UnixSocket> peer;
    {
        base::ScopedLock guard(lock_);
        shutdown_ |= mode;
        if (type_ != kSockDgram) peer = peer_;
    }
    changed_.notify_all();
    if (peer) {
        {
            base::ScopedLock guard(peer->lock_);
            if (mode & kShutdownRead) peer->shutdown_ |= kShutdownWrite;
            if (mode & kShutdownWrite) peer->shutdown_ |= kShutdownRead;
        }
        peer->changed_.notify_all();
        peer->async_.signal(ipc::IoReason::HangUp);
    }
    return {};
}

}  // namespace cella::net
