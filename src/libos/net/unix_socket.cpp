// The socket object: creation, its queue, its end, readiness and state
// that the options read. Naming and connecting are in unix_connect.cpp,
// moving data in unix_transfer.cpp.
#include "unix_socket.h"

#include <asm-generic/errno.h>

#include "libos/fs/open_file.h"
#include "socket_file.h"
#include "unix_names.h"

namespace cella::net {
namespace {

using base::Error;

constexpr std::uint32_t kPollIn = 0x1, kPollOut = 0x4, kPollErr = 0x8, kPollHup = 0x10, kPollRdNorm = 0x40,
                        kPollWrNorm = 0x100, kPollWrBand = 0x200, kPollRdHup = 0x2000;

}  // namespace

Message::~Message() {
    if (sender) sender->uncharge(charge);
}

MessageQueue::~MessageQueue() {
    while (Message* message = list_.take_first()) base::OwnPtr<Message>::adopt(message);
}

void MessageQueue::push(Message& message) {
    list_.push_back(message);
    ++count_;
    bytes_ += message.left();
}

base::OwnPtr<Message> MessageQueue::take_first() {
    Message* message = list_.take_first();
    if (!message) return nullptr;
    --count_;
    bytes_ -= message->left();
    return base::OwnPtr<Message>::adopt(message);
}

void MessageQueue::take_all(MessageQueue& out) {
    while (Message* message = list_.take_first()) out.list_.push_back(*message);
    out.count_ += count_;
    out.bytes_ += bytes_;
    count_ = bytes_ = 0;
}

UnixSocket::UnixSocket(int type, const Credentials& owner)
    : type_(type), inode_number_(allocate_socket_inode()), owner_(owner) {}

UnixSocket::~UnixSocket() = default;

Result<RefPtr<UnixSocket>> UnixSocket::create(int type, const Credentials& owner) {
    void* memory = base::allocate(sizeof(UnixSocket));
    if (!memory) return Error::from_errno(ENOMEM);
    return RefPtr<UnixSocket>::adopt(new (memory) UnixSocket(type, owner));
}

Result<void> UnixSocket::create_pair(int type, const Credentials& owner, RefPtr<UnixSocket>& first,
                                     RefPtr<UnixSocket>& second) {
    first = TRY(create(type, owner));
    second = TRY(create(type, owner));
    for (auto* pair : {&first, &second}) {
        UnixSocket& self = **pair;
        self.peer_ = pair == &first ? second : first;
        self.peer_credentials_ = owner;
        if (type != kSockDgram) self.state_ = State::Connected;
    }
    return {};
}

bool UnixSocket::is_listening() {
    base::ScopedLock guard(lock_);
    return state_ == State::Listening;
}

bool UnixSocket::is_connected() {
    base::ScopedLock guard(lock_);
    return state_ == State::Connected;
}

void UnixSocket::release() {
    RefPtr<UnixSocket> peer;
    base::Vector<RefPtr<UnixSocket>> pending, watchers;
    MessageQueue unread;
    bool had_unread;
    {
        base::ScopedLock guard(lock_);
        watchers = static_cast<base::Vector<RefPtr<UnixSocket>>&&>(room_watchers_);
        released_ = true;
        peer = static_cast<RefPtr<UnixSocket>&&>(peer_);
        pending = static_cast<base::Vector<RefPtr<UnixSocket>>&&>(backlog_);
        had_unread = queue_.count() != 0;
        queue_.take_all(unread);
        shutdown_ = kShutdownBoth;
        state_ = State::Unconnected;
    }
    names::unbind(*this);
    // A connection never accepted is reset, as a stream whose unread data
    // is thrown away (Linux's unix_release_sock).
    if (peer) peer->peer_gone(*this, had_unread || was_pending_);
    for (RefPtr<UnixSocket>& connection : pending) {
        connection->was_pending_ = true;
        connection->release();
    }
    changed_.notify_all();
    room_.notify_all();
    for (RefPtr<UnixSocket>& watcher : watchers) watcher->changed_.notify_all();
}

// `gone` was this socket's peer and has closed.
void UnixSocket::peer_gone(UnixSocket& gone, bool reset) {
    {
        base::ScopedLock guard(lock_);
        if (peer_.get() != &gone || type_ == kSockDgram) return;
        // No more writes, and reads end once the queue is empty.
        shutdown_ = kShutdownBoth;
        if (reset) error_ = ECONNRESET;
    }
    changed_.notify_all();
    async_.signal(ipc::IoReason::HangUp);
}

UnixSocket::Options UnixSocket::options() {
    base::ScopedLock guard(lock_);
    return options_;
}

void UnixSocket::set_options(const Options& options) {
    {
        base::ScopedLock guard(lock_);
        options_ = options;
    }
    changed_.notify_all();
}

Credentials UnixSocket::peer_credentials() {
    base::ScopedLock guard(lock_);
    return peer_credentials_;
}

int UnixSocket::take_error() {
    base::ScopedLock guard(lock_);
    int error = error_;
    error_ = 0;
    return error;
}

std::size_t UnixSocket::unread_bytes() {
    base::ScopedLock guard(lock_);
    if (type_ != kSockDgram) return queue_.bytes();
    Message* first = queue_.first();
    return first ? first->left() : 0;
}

base::Vector<RefPtr<UnixSocket>> UnixSocket::take_room_watchers() {
    if (room_watchers_.is_empty() || queue_.count() > kMaxDatagramQueue) return {};
    return static_cast<base::Vector<RefPtr<UnixSocket>>&&>(room_watchers_);
}

void UnixSocket::uncharge(std::size_t bytes) {
    std::size_t left = __atomic_sub_fetch(&in_flight_, bytes, __ATOMIC_RELAXED);
    changed_.notify_all();
    if (async_.empty()) return;
    bool room;
    {
        base::ScopedLock guard(lock_);
        room = wants_room_ && left < options_.send_buffer;
        if (room) wants_room_ = false;
    }
    if (room) async_.signal(ipc::IoReason::Out);
}

// Linux's unix_poll and unix_dgram_poll.
std::uint32_t UnixSocket::poll_events() {
    RefPtr<UnixSocket> peer;
    std::uint32_t events = 0;
    bool listening;
    std::size_t send_buffer;
    {
        base::ScopedLock guard(lock_);
        listening = state_ == State::Listening;
        if (error_) events |= kPollErr;
        if (shutdown_ == kShutdownBoth) events |= kPollHup;
        if (shutdown_ & kShutdownRead) events |= kPollRdHup | kPollIn | kPollRdNorm;
        if (queue_.count() || (listening && !backlog_.is_empty())) events |= kPollIn | kPollRdNorm;
        if (type_ != kSockDgram && state_ == State::Unconnected) events |= kPollHup;
        if (type_ == kSockDgram) peer = peer_;
        send_buffer = options_.send_buffer;
    }
    // Writable while what it has in flight is at most a quarter of its
    // SO_SNDBUF; a datagram socket also needs room in a peer that is not
    // connected back to it.
    bool writable = !listening && in_flight() * 4 <= send_buffer;
    if (writable && peer) {
        base::ScopedLock guard(peer->lock_);
        if (peer->peer_.get() != this && peer->queue_.count() > kMaxDatagramQueue) {
            writable = false;
            bool known = false;
            for (RefPtr<UnixSocket>& watcher : peer->room_watchers_) known = known || watcher.get() == this;
            if (!known) (void)peer->room_watchers_.try_append(RefPtr<UnixSocket>(this));
        }
    }
    if (writable) events |= kPollOut | kPollWrNorm | kPollWrBand;
    return events;
}

}  // namespace cella::net
