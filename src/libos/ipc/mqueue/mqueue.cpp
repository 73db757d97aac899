#include "mqueue.h"

#include <asm-generic/errno.h>
#include <linux/fcntl.h>

#include "libos/base/format.h"
#include "libos/base/global.h"
#include "libos/base/lock.h"
#include "libos/base/string.h"
#include "libos/base/vector.h"
#include "libos/ipc/sysv/ipc_ids.h"
#include "libos/ipc/waitable.h"
#include "libos/mm/user_memory.h"
#include "libos/net/host_socket.h"
#include "libos/process/current.h"
#include "libos/process/process_table.h"
#include "libos/process/signals.h"

namespace cella::ipc::mqueue {
namespace {

using base::Error;
using base::RefPtr;

constexpr std::size_t kNameMax = 255;
constexpr std::uint32_t kPriorityMax = 32768;  // MQ_PRIO_MAX
constexpr int kSigevSignal = 0, kSigevNone = 1, kSigevThread = 2;
constexpr int kSiMesgq = -3;
constexpr std::uint8_t kNotifyWokenUp = 1, kNotifyRemoved = 2;

// SIGEV_THREAD's message to the C library's helper thread.
void send_cookie(Notification& notification, std::uint8_t state) {
    if (notification.notify != kSigevThread || !notification.socket) return;
    notification.cookie[kNotifyCookieLength - 1] = state;
    if (net::HostSocket* socket = net::as_host_socket(*notification.socket))
        (void)socket->deliver_local({notification.cookie, kNotifyCookieLength});
}

struct Message {
    std::uint32_t priority;
    base::Vector<std::uint8_t> text;
};

class Queue : public base::RefCounted<Queue> {
public:
    base::String name;  // empty once unlinked
    std::uint64_t ino = 0;
    std::uint32_t mode = 0, uid = 0, gid = 0;
    long maxmsg = 0, msgsize = 0;
    std::uint64_t bytes = 0;
    base::Vector<Message> messages;  // highest priority first, oldest first within one
    int receivers_waiting = 0;
    // mq_notify: one registration per queue.
    int notify_pid = 0;
    const void* notify_file = nullptr;  // the description it was made through
    Notification notification{};
    Waitable changed;
};

struct State {
    base::Mutex lock;
    base::Vector<RefPtr<Queue>> queues;  // the namespace
    std::uint64_t next_ino = 1;
};
base::Global<State> g_state;

State& state() {
    if (!g_state.is_constructed()) g_state.construct();
    return g_state.get();
}

// The lock is held. Linux tells a SIGEV_THREAD listener that its
// registration is gone.
void drop_registration(Queue& queue) {
    send_cookie(queue.notification, kNotifyRemoved);
    queue.notification.socket = nullptr;
    queue.notify_pid = 0;
    queue.notify_file = nullptr;
}

class MqFile final : public fs::OpenFile {
public:
    MqFile(RefPtr<Queue> queue, int flags) : OpenFile(flags), queue_(static_cast<RefPtr<Queue>&&>(queue)) {}
    ~MqFile() override {
        // Linux drops the registration when its owner closes the queue; here
        // when the description it was made through goes.
        base::ScopedLock guard(state().lock);
        if (queue_->notify_file == this) drop_registration(*queue_);
    }
    fs::FileKind kind() const override { return fs::FileKind::MessageQueue; }
    Queue& queue() { return *queue_; }

    // As Linux: a line describing the queue.
    Result<std::size_t> read(std::span<std::uint8_t> out) override {
        char text[128];
        std::size_t length;
        {
            base::ScopedLock guard(state().lock);
            length = base::format_to(text, sizeof text, "QSIZE:%-10lu NOTIFY:%-5d SIGNO:%-5d NOTIFY_PID:%-6d\n",
                                     queue_->bytes, queue_->notify_pid ? queue_->notification.notify : 0,
                                     queue_->notify_pid && queue_->notification.notify == kSigevSignal
                                         ? queue_->notification.signal
                                         : 0,
                                     queue_->notify_pid);
        }
        base::ScopedLock guard(read_lock_);
        if (read_offset_ >= length) return std::size_t{0};
        std::size_t n = length - read_offset_ < out.size() ? length - read_offset_ : out.size();
        TRY(mm::copy_to_user(reinterpret_cast<std::uint64_t>(out.data()), text + read_offset_, n));
        read_offset_ += n;
        return n;
    }
    Result<fs::FileStat> stat() override {
        fs::FileStat s;
        s.dev = 0x13;  // an mqueue mount of its own
        s.ino = queue_->ino;
        s.mode = 0100000 | queue_->mode;
        s.uid = queue_->uid;
        s.gid = queue_->gid;
        s.nlink = 1;
        s.size = 80;  // Linux's FILENT_SIZE
        return s;
    }
    std::uint32_t poll_events() override {
        base::ScopedLock guard(state().lock);
        std::uint32_t events = 0;
        if (!queue_->messages.is_empty()) events |= 0x1 | 0x40;                               // POLLIN | POLLRDNORM
        if (static_cast<long>(queue_->messages.size()) < queue_->maxmsg) events |= 0x4 | 0x100;  // POLLOUT | POLLWRNORM
        return events;
    }
    Waitable* waitable() override { return &queue_->changed; }

private:
    RefPtr<Queue> queue_;
    base::Mutex read_lock_;
    std::size_t read_offset_ = 0;
};

Result<void> check_name(std::string_view name) {
    if (name.size() > kNameMax) return Error::from_errno(ENAMETOOLONG);
    // As a lookup in Linux's mqueue file system.
    if (name.empty() || name == "." || name == ".." || name.find('/') != std::string_view::npos)
        return Error::from_errno(EACCES);
    return {};
}

long find(State& s, std::string_view name) {
    for (std::size_t i = 0; i < s.queues.size(); ++i)
        if (s.queues[i]->name.view() == name) return static_cast<long>(i);
    return -1;
}

bool may_access(const Queue& queue, int access) {
    sysv::IpcPerm perm;
    perm.uid = perm.cuid = queue.uid;
    perm.gid = perm.cgid = queue.gid;
    perm.mode = queue.mode;
    return sysv::permitted(perm, sysv::Caller::current(), access);
}

Result<void> check_attr(const Attr& attr, bool privileged) {
    if (attr.maxmsg <= 0 || attr.msgsize <= 0) return Error::from_errno(EINVAL);
    if (attr.maxmsg > (privileged ? kHardMsgMax : kMsgMax) || attr.msgsize > (privileged ? kHardMsgSizeMax : kMsgSizeMax))
        return Error::from_errno(EINVAL);
    return {};
}

MqFile& mq_of(fs::OpenFile& file) { return static_cast<MqFile&>(file); }

// Sleeps until the queue changes, the deadline passes (ETIMEDOUT) or a
// signal comes (restarted under SA_RESTART, as Linux's ERESTARTSYS).
Result<void> wait_for_change(State& s, Waiter& waiter, std::int64_t deadline_ns) {
    std::int64_t left = -1;
    if (deadline_ns >= 0) {
        left = deadline_ns - sysv::realtime_ns();
        if (left <= 0) return Error::from_errno(ETIMEDOUT);
    }
    s.lock.unlock();
    WaitResult woke = waiter.wait(left);
    s.lock.lock();
    if (woke == WaitResult::Interrupted) return Error::from_errno(static_cast<int>(process::kRestartSys));
    return {};
}

}  // namespace

Result<RefPtr<fs::OpenFile>> open(std::string_view name, int flags, std::uint32_t mode, const Attr* attr) {
    if ((flags & O_ACCMODE) == O_ACCMODE) return Error::from_errno(EINVAL);
    TRY(check_name(name));
    process::Process& self = process::current_process();
    sysv::Caller caller = sysv::Caller::current();
    State& s = state();
    base::ScopedLock guard(s.lock);
    RefPtr<Queue> queue;
    long found = find(s, name);
    if (found >= 0) {
        if ((flags & O_CREAT) && (flags & O_EXCL)) return Error::from_errno(EEXIST);
        queue = s.queues[static_cast<std::size_t>(found)];
        int access = (flags & O_ACCMODE) == O_RDONLY ? 0444 : (flags & O_ACCMODE) == O_WRONLY ? 0222 : 0666;
        if (!may_access(*queue, access)) return Error::from_errno(EACCES);
    } else {
        if (!(flags & O_CREAT)) return Error::from_errno(ENOENT);
        Attr wanted{0, kMsgDefault, kMsgSizeDefault, 0, {}};
        if (attr) {
            wanted = *attr;
            TRY(check_attr(wanted, caller.privileged));
        }
        if (s.queues.size() >= static_cast<std::size_t>(kQueuesMax) && !caller.privileged) return Error::from_errno(ENOSPC);
        queue = TRY(base::make_ref<Queue>());
        queue->name = TRY(base::String::from(name));
        queue->ino = s.next_ino++;
        queue->mode = mode & ~self.umask() & 07777;
        queue->uid = caller.euid;
        queue->gid = caller.egid;
        queue->maxmsg = wanted.maxmsg;
        queue->msgsize = wanted.msgsize;
        TRY(s.queues.try_append(queue));
    }
    auto file = TRY(base::make_ref<MqFile>(queue, flags & (O_ACCMODE | O_NONBLOCK)));
    char path[kNameMax + 2];
    base::format_to(path, sizeof path, "/%.*s", static_cast<int>(name.size()), name.data());
    TRY(file->set_path(path));
    return RefPtr<fs::OpenFile>(file.get());
}

Result<void> unlink(std::string_view name) {
    TRY(check_name(name));
    State& s = state();
    base::ScopedLock guard(s.lock);
    long found = find(s, name);
    if (found < 0) return Error::from_errno(ENOENT);
    // Open descriptors keep the queue; only the name goes.
    s.queues[static_cast<std::size_t>(found)]->name = {};
    s.queues.remove(static_cast<std::size_t>(found));
    return {};
}

Result<void> send(fs::OpenFile& file, std::uint64_t address, std::uint64_t length, std::uint32_t priority,
                  std::int64_t deadline_ns) {
    if (file.kind() != fs::FileKind::MessageQueue || !file.writable()) return Error::from_errno(EBADF);
    if (priority >= kPriorityMax) return Error::from_errno(EINVAL);
    Queue& queue = mq_of(file).queue();
    if (static_cast<long>(length) < 0 || static_cast<long>(length) > queue.msgsize) return Error::from_errno(EMSGSIZE);
    Message message{priority, {}};
    TRY(message.text.try_resize(length));
    if (length) TRY(mm::copy_from_user(message.text.data(), address, length));

    State& s = state();
    int notify_pid = 0;
    Notification notification{};
    {
        base::ScopedLock guard(s.lock);
        Waiter waiter;
        waiter.watch(queue.changed);
        while (static_cast<long>(queue.messages.size()) >= queue.maxmsg) {
            if (file.flags() & O_NONBLOCK) return Error::from_errno(EAGAIN);
            TRY(wait_for_change(s, waiter, deadline_ns));
        }
        std::size_t at = 0;
        while (at < queue.messages.size() && queue.messages[at].priority >= priority) ++at;
        bool was_empty = queue.messages.is_empty();
        TRY(queue.messages.try_insert(at, static_cast<Message&&>(message)));
        queue.bytes += length;
        // A message that arrives on an empty queue nobody waits on is announced, once.
        if (was_empty && queue.receivers_waiting == 0 && queue.notify_pid) {
            notify_pid = queue.notify_pid;
            notification = static_cast<Notification&&>(queue.notification);
            queue.notification.socket = nullptr;
            queue.notify_pid = 0;
            queue.notify_file = nullptr;
        }
        queue.changed.notify_all();
    }
    if (notify_pid && notification.notify == kSigevSignal) {
        RefPtr<process::Process> target = process::process_table().find_process(notify_pid);
        if (target) {
            process::AppSiginfo info = process::make_siginfo(notification.signal, kSiMesgq);
            info.put<int>(16, process::current_pid());
            info.put<std::uint32_t>(20, process::current_process().credentials.uids().real);
            info.put<std::uint64_t>(24, notification.value);
            (void)process::send_to_process(*target, info);
        }
    }
    if (notify_pid) send_cookie(notification, kNotifyWokenUp);
    return {};
}

Result<std::size_t> receive(fs::OpenFile& file, std::uint64_t address, std::uint64_t length,
                            std::uint64_t priority_address, std::int64_t deadline_ns) {
    if (file.kind() != fs::FileKind::MessageQueue || !file.readable()) return Error::from_errno(EBADF);
    Queue& queue = mq_of(file).queue();
    if (static_cast<long>(length) < queue.msgsize) return Error::from_errno(EMSGSIZE);
    State& s = state();
    base::ScopedLock guard(s.lock);
    Waiter waiter;
    waiter.watch(queue.changed);
    while (queue.messages.is_empty()) {
        if (file.flags() & O_NONBLOCK) return Error::from_errno(EAGAIN);
        ++queue.receivers_waiting;
        auto waited = wait_for_change(s, waiter, deadline_ns);
        --queue.receivers_waiting;
        TRY(waited);
    }
    Message& first = queue.messages[0];
    std::size_t size = first.text.size();
    if (size) TRY(mm::copy_to_user(address, first.text.data(), size));
    if (priority_address) TRY(mm::write_user<std::uint32_t>(priority_address, first.priority));
    queue.bytes -= size;
    queue.messages.remove(0);
    queue.changed.notify_all();
    return size;
}

Result<void> notify(fs::OpenFile& file, const Notification* request) {
    if (file.kind() != fs::FileKind::MessageQueue) return Error::from_errno(EBADF);
    Queue& queue = mq_of(file).queue();
    int pid = process::current_pid();
    State& s = state();
    base::ScopedLock guard(s.lock);
    if (!request) {
        if (queue.notify_pid == pid) drop_registration(queue);
        return {};
    }
    // A registration whose process is gone no longer counts.
    if (queue.notify_pid && !process::process_table().find_process(queue.notify_pid)) drop_registration(queue);
    if (queue.notify_pid) return Error::from_errno(EBUSY);
    queue.notify_pid = pid;
    queue.notify_file = &file;
    queue.notification = *request;
    return {};
}

Result<Attr> get_set_attr(fs::OpenFile& file, const Attr* changed) {
    if (file.kind() != fs::FileKind::MessageQueue) return Error::from_errno(EBADF);
    if (changed && (changed->flags & ~O_NONBLOCK)) return Error::from_errno(EINVAL);
    Queue& queue = mq_of(file).queue();
    State& s = state();
    base::ScopedLock guard(s.lock);
    Attr old{file.flags() & O_NONBLOCK, queue.maxmsg, queue.msgsize, static_cast<long>(queue.messages.size()), {}};
    if (changed) file.set_status_flags((file.flags() & ~O_NONBLOCK) | (changed->flags & O_NONBLOCK));
    return old;
}

}  // namespace cella::ipc::mqueue
