#pragma once
// AF_UNIX sockets inside the LibOS (DESIGN.md section 7): no host call.
// A socket is this object; its open file (socket_file.h) holds it. The
// model is Linux's af_unix.c: every message a socket sends is queued on
// the receiver and charged to the sender until it is read (the sender's
// SO_SNDBUF bounds what it has in flight); a stream connection is two
// sockets that are each other's peer; connect() makes the server's
// socket at once and queues it on the listener, and accept() takes it.
//
// Locks: each socket has its own, and no path holds two socket locks at
// once (a sender looks its peer up under its own lock, lets go, then
// queues under the peer's). Messages leave a queue under its lock and are
// destroyed after it is released, since dropping a message may close the
// files it carries (SCM_RIGHTS), sockets among them.
#include <cstdint>
#include <span>

#include "libos/base/intrusive_list.h"
#include "libos/base/lock.h"
#include "libos/base/own_ptr.h"
#include "libos/base/vector.h"
#include "libos/fs/inode.h"
#include "libos/ipc/async_signals.h"
#include "libos/ipc/waitable.h"
#include "libos/mm/user_memory.h"
#include "unix_address.h"

namespace cella::fs {
class OpenFile;
}

namespace cella::net {

using base::RefPtr;

// listen() takes at most this many pending connections (Linux's
// net.core.somaxconn, which /proc/sys/net/core/somaxconn shows).
inline constexpr int kMaxBacklog = 4096;

inline constexpr int kSockStream = 1, kSockDgram = 2, kSockSeqpacket = 5;
inline constexpr int kMsgOob = 0x1, kMsgPeek = 0x2, kMsgCtrunc = 0x8, kMsgTrunc = 0x20, kMsgDontWait = 0x40,
                     kMsgEor = 0x80, kMsgWaitAll = 0x100, kMsgNoSignal = 0x4000, kMsgCmsgCloexec = 0x40000000;
inline constexpr unsigned kShutdownRead = 1, kShutdownWrite = 2, kShutdownBoth = 3;
inline constexpr std::uint32_t kDefaultBufferSize = 212992;  // net.core.wmem_default, rmem_default
inline constexpr int kMaxDatagramQueue = 10;                  // net.unix.max_dgram_qlen
// What Linux's sk_buff adds to the bytes of a message when it charges
// them to the sender (truesize), so that a full SO_SNDBUF holds about as
// many messages as on Linux.
inline constexpr std::size_t kMessageOverhead = 768;

// struct ucred: SO_PEERCRED and SCM_CREDENTIALS.
struct Credentials {
    std::int32_t pid = 0;
    std::uint32_t uid = ~0u, gid = ~0u;  // nobody known (an unconnected socket's SO_PEERCRED)
};

class UnixSocket;

// A send: the bytes (application memory), the flags (MSG_*), and what
// travels with them.
struct SendRequest {
    std::span<const mm::UserSegment> data;
    std::size_t total = 0;
    int flags = 0;
    bool nonblocking = false;
    bool has_destination = false;    // sendto's address was given
    RefPtr<UnixSocket> destination;  // where it leads (datagrams; nullptr: the peer)
    base::Vector<RefPtr<fs::OpenFile>> files;  // SCM_RIGHTS
    Credentials credentials;                   // SCM_CREDENTIALS, or the sender's own
};

// A receive: where the bytes go, and what came with them.
struct ReceiveRequest {
    std::span<const mm::UserSegment> data;
    std::size_t total = 0;
    int flags = 0;
    bool nonblocking = false;
    // Results.
    int message_flags = 0;  // MSG_TRUNC, MSG_CTRUNC (set later), MSG_EOR
    UnixAddress from;       // the sender's name (unbound: length kFamilyLength)
    bool has_from = false;
    base::Vector<RefPtr<fs::OpenFile>> files;
    bool has_credentials = false;
    Credentials credentials;
};

// One message (datagram or seqpacket record) or one write's worth of a
// byte stream, waiting in its receiver's queue.
struct Message : base::IntrusiveListNode<> {
    ~Message();
    base::Vector<std::uint8_t> data;
    std::size_t taken = 0;  // streams: bytes already read
    RefPtr<UnixSocket> sender;
    std::size_t charge = 0;  // what it costs in the sender's SO_SNDBUF
    base::Vector<RefPtr<fs::OpenFile>> files;  // SCM_RIGHTS
    Credentials credentials;
    std::size_t left() const { return data.size() - taken; }
};

// The receive queue: messages in order.
class MessageQueue {
public:
    MessageQueue() = default;
    ~MessageQueue();
    Message* first() { return list_.first(); }
    void push(Message& message);
    // Takes the first message out (the caller destroys it unlocked).
    base::OwnPtr<Message> take_first();
    // Moves every message to `out` (for destruction outside the lock).
    void take_all(MessageQueue& out);
    std::size_t count() const { return count_; }
    std::size_t bytes() const { return bytes_; }  // unread bytes
    void consumed(std::size_t n) { bytes_ -= n; }
    // Visits messages in order while `visit` returns true.
    template <typename F>
    void for_each(F&& visit) {
        for (Message& message : list_)
            if (!visit(message)) return;
    }

private:
    base::IntrusiveList<Message> list_;
    std::size_t count_ = 0, bytes_ = 0;
};

class UnixSocket : public base::RefCounted<UnixSocket> {
public:
    enum class State { Unconnected, Listening, Connected };

    // `type`: SOCK_STREAM, SOCK_DGRAM or SOCK_SEQPACKET; `owner`: the
    // creator's credentials (SO_PEERCRED of its peers).
    static Result<RefPtr<UnixSocket>> create(int type, const Credentials& owner);
    // socketpair(): two sockets connected to each other.
    static Result<void> create_pair(int type, const Credentials& owner, RefPtr<UnixSocket>& first,
                                    RefPtr<UnixSocket>& second);
    ~UnixSocket();

    int type() const { return type_; }
    std::uint64_t inode_number() const { return inode_number_; }
    bool is_listening();
    bool is_connected();
    // The last open file is gone: the peer hears of it, the name goes,
    // connections never accepted are closed.
    void release();

    // Naming and connecting (unix_connect.cpp).
    Result<void> bind(const UnixAddress& address, RefPtr<fs::Inode> node);
    Result<void> autobind();
    UnixAddress address();
    Result<UnixAddress> peer_address();
    Result<void> listen(int backlog, const Credentials& caller);
    // Streams and seqpackets: joins `listener`'s backlog.
    Result<void> connect_to(UnixSocket& listener, const Credentials& caller, bool nonblocking);
    // Datagrams: the default destination (nullptr: none).
    Result<void> set_datagram_peer(RefPtr<UnixSocket> peer);
    Result<RefPtr<UnixSocket>> accept(bool nonblocking);
    Result<void> shutdown(unsigned how);

    // Options and state for getsockopt/setsockopt/ioctl (socket_options.cpp reads them).
    struct Options {
        std::uint32_t send_buffer = kDefaultBufferSize;
        std::uint32_t receive_buffer = kDefaultBufferSize;
        bool pass_credentials = false;
        std::int64_t receive_timeout_ns = -1;  // -1: wait without limit
        std::int64_t send_timeout_ns = -1;
        int linger_on = 0, linger_seconds = 0;
        std::uint32_t flags = 0;  // SO_REUSEADDR and friends, one bit per option number
        int receive_low_water = 1;
    };
    Options options();
    void set_options(const Options& options);
    Credentials peer_credentials();
    int take_error();
    std::size_t unread_bytes();  // SIOCINQ: a stream's unread bytes, a datagram's first message
    std::size_t in_flight() const { return __atomic_load_n(&in_flight_, __ATOMIC_RELAXED); }  // SIOCOUTQ
    std::uint32_t poll_events();
    ipc::Waitable& waitable() { return changed_; }
    // Open files with O_ASYNC: told when data or a connection comes
    // (POLL_IN), when room comes after a send found none (POLL_OUT), and
    // when the peer hangs up (POLL_HUP), as Linux's sk_wake_async.
    ipc::AsyncSubscribers& async_subscribers() { return async_; }

    // Moving data (unix_transfer.cpp). The byte count, or the error
    // (EPIPE: the caller raises SIGPIPE unless MSG_NOSIGNAL).
    Result<std::size_t> send(SendRequest& request);
    Result<std::size_t> receive(ReceiveRequest& request);

    // A message left the receiver: its bytes leave this sender's account.
    void uncharge(std::size_t bytes);

private:
    friend class Names;
    UnixSocket(int type, const Credentials& owner);
    Result<std::size_t> send_stream(SendRequest& request);
    Result<std::size_t> send_record(SendRequest& request);
    Result<std::size_t> receive_stream(ReceiveRequest& request);
    Result<std::size_t> receive_record(ReceiveRequest& request);
    // Waits until what this socket has in flight is below its SO_SNDBUF.
    Result<void> wait_for_send_room(ipc::Waiter& waiter, bool nonblocking, std::int64_t deadline);
    // Lock held: `message` joins the queue, charged to `sender`.
    void enqueue(base::OwnPtr<Message> message, UnixSocket& sender);
    // A datagram socket let go of its peer `old`: its queue is dropped,
    // and `old`, if connected back, gets ECONNRESET (Linux's
    // unix_dgram_disconnected). No lock held.
    void datagram_disconnected(UnixSocket& old);
    // Lock held: the room watchers to wake, if the queue has room now.
    base::Vector<RefPtr<UnixSocket>> take_room_watchers();
    // This socket's peer `gone` has closed (`reset`: with data unread, or never accepted).
    void peer_gone(UnixSocket& gone, bool reset);

    const int type_;
    const std::uint64_t inode_number_;
    base::Mutex lock_;
    State state_ = State::Unconnected;
    bool released_ = false;
    bool connecting_ = false;
    bool was_pending_ = false;  // closed while still in a listener's backlog
    RefPtr<UnixSocket> peer_;
    UnixAddress address_;
    RefPtr<fs::Inode> node_;  // the socket file it is bound to
    MessageQueue queue_;
    base::Vector<RefPtr<UnixSocket>> backlog_;  // listeners: connections not accepted yet
    int max_backlog_ = 0;
    unsigned shutdown_ = 0;
    int error_ = 0;
    Credentials owner_;        // the creator's, then listen()'s caller's
    Credentials peer_credentials_;
    Options options_;
    std::size_t in_flight_ = 0;  // bytes of this socket's messages still queued somewhere
    ipc::Waitable changed_;      // readiness of this socket
    ipc::Waitable room_;         // its queue or backlog has room again
    ipc::AsyncSubscribers async_;
    // Datagram sockets whose poll found this queue full: woken when it has
    // room (Linux's unix_dgram_peer_wake_me).
    base::Vector<RefPtr<UnixSocket>> room_watchers_;
    bool wants_room_ = false;    // a send found no room: POLL_OUT when there is (SOCKWQ_ASYNC_NOSPACE)
};

}  // namespace cella::net
