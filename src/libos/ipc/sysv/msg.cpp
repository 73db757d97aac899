#include "msg.h"

#include <linux/msg.h>

#include "libos/base/global.h"
#include "libos/base/lock.h"
#include "libos/ipc/waitable.h"
#include "libos/mm/user_memory.h"
#include "libos/process/signals.h"

namespace cella::ipc::sysv {
namespace {

struct Message {
    long type;
    base::Vector<std::uint8_t> text;
};

class MsgQueue : public base::RefCounted<MsgQueue> {
public:
    IpcPerm perm;
    base::Vector<Message> messages;  // in arrival order
    std::uint64_t cbytes = 0;
    std::uint64_t qbytes = MSGMNB;
    int lspid = 0, lrpid = 0;
    std::int64_t stime = 0, rtime = 0, ctime = 0;
    // Notified when a message comes or goes, the limit changes, or the queue is removed.
    Waitable changed;
};

// One lock for every queue, as for semaphores.
struct MsgState {
    base::Mutex lock;
    IpcIds<MsgQueue> ids{MSGMNI};
    std::uint64_t total_messages = 0, total_bytes = 0;
};
base::Global<MsgState> g_msg;

MsgState& state() {
    if (!g_msg.is_constructed()) g_msg.construct();
    return g_msg.get();
}

// The kernel's struct msqid64_ds (x86-64).
struct UserMsqid {
    UserIpcPerm perm;
    std::int64_t stime, rtime, ctime;
    std::uint64_t cbytes, qnum, qbytes;
    int lspid, lrpid;
    std::uint64_t unused4, unused5;
};

UserMsqid stat_of(const MsgQueue& queue) {
    return {to_user(queue.perm), queue.stime, queue.rtime, queue.ctime, queue.cbytes, queue.messages.size(),
            queue.qbytes, queue.lspid, queue.lrpid, 0, 0};
}

// Which message msgrcv takes: Linux's SEARCH_ANY/EQUAL/NOTEQUAL/LESSEQUAL.
long select_message(const MsgQueue& queue, long type, int flags) {
    long best = -1;
    for (std::size_t i = 0; i < queue.messages.size(); ++i) {
        long t = queue.messages[i].type;
        if (type == 0) return static_cast<long>(i);
        if (type > 0) {
            if ((flags & MSG_EXCEPT) ? t != type : t == type) return static_cast<long>(i);
        } else if (t <= -type && (best < 0 || t < queue.messages[static_cast<std::size_t>(best)].type)) {
            best = static_cast<long>(i);
            if (t == 1) break;
        }
    }
    return best;
}

Error interrupted() { return Error::from_errno(static_cast<int>(process::kRestartNoHand)); }

// Lock held. Waits until ready() holds (it is asked with the lock held),
// the queue goes (EIDRM) or a signal comes; `nowait_error` nonzero: fails
// with it instead of waiting.
template <typename Ready>
Result<void> wait_until(MsgState& s, MsgQueue& queue, const Caller& caller, int access, int nowait_error,
                        Ready&& ready) {
    Waiter waiter;
    waiter.watch(queue.changed);
    while (true) {
        if (queue.perm.deleted) return Error::from_errno(EIDRM);
        if (!permitted(queue.perm, caller, access)) return Error::from_errno(EACCES);
        if (ready()) return {};
        if (nowait_error) return Error::from_errno(nowait_error);
        s.lock.unlock();
        WaitResult woke = waiter.wait(-1);
        s.lock.lock();
        if (queue.perm.deleted) return Error::from_errno(EIDRM);
        if (woke == WaitResult::Interrupted) return interrupted();
    }
}

Result<long> msg_info(MsgState& s, int cmd, std::uint64_t address) {
    struct msginfo info{};
    info.msgmni = MSGMNI;
    info.msgmax = MSGMAX;
    info.msgmnb = MSGMNB;
    info.msgssz = MSGSSZ;
    info.msgseg = MSGSEG;
    if (cmd == MSG_INFO) {
        info.msgpool = s.ids.count();
        info.msgmap = static_cast<int>(s.total_messages);
        info.msgtql = static_cast<int>(s.total_bytes);
    } else {
        info.msgmap = MSGMAP;
        info.msgpool = MSGPOOL;
        info.msgtql = MSGTQL;
    }
    TRY(mm::copy_to_user(address, &info, sizeof info));
    int max = s.ids.max_index();
    return max < 0 ? 0 : max;
}

}  // namespace

Result<int> msg_get(int key, int flags) {
    MsgState& s = state();
    base::ScopedLock guard(s.lock);
    auto create = [&]() -> Result<int> {
        auto queue = TRY(base::make_ref<MsgQueue>());
        queue->perm = new_perm(key, flags);
        queue->ctime = now_seconds();
        return s.ids.add(static_cast<RefPtr<MsgQueue>&&>(queue));
    };
    return get_or_create(s.ids, key, flags, create, [](const MsgQueue&) -> Result<void> { return {}; });
}

Result<void> msg_send(int id, std::uint64_t address, std::uint64_t size, int flags) {
    if (size > MSGMAX || id < 0) return Error::from_errno(EINVAL);
    long type = TRY(mm::read_user<long>(address));
    if (type < 1) return Error::from_errno(EINVAL);
    Message message{type, {}};
    TRY(message.text.try_resize(size));
    if (size) TRY(mm::copy_from_user(message.text.data(), address + sizeof(long), size));

    Caller caller = Caller::current();
    MsgState& s = state();
    base::ScopedLock guard(s.lock);
    RefPtr<MsgQueue> queue = TRY(s.ids.find_id(id));
    // Linux counts messages against the byte limit too, so that a queue of
    // empty messages is not endless.
    TRY(wait_until(s, *queue, caller, 0222, (flags & IPC_NOWAIT) ? EAGAIN : 0, [&] {
        return size + queue->cbytes <= queue->qbytes && queue->messages.size() + 1 <= queue->qbytes;
    }));
    TRY(queue->messages.try_append(static_cast<Message&&>(message)));
    queue->cbytes += size;
    queue->lspid = caller.pid;
    queue->stime = now_seconds();
    s.total_messages += 1;
    s.total_bytes += size;
    queue->changed.notify_all();
    return {};
}

Result<long> msg_receive(int id, std::uint64_t address, std::uint64_t size, long type, int flags) {
    if (id < 0 || static_cast<long>(size) < 0) return Error::from_errno(EINVAL);
    bool copy = flags & MSG_COPY;
    if (copy && ((flags & MSG_EXCEPT) || !(flags & IPC_NOWAIT))) return Error::from_errno(EINVAL);
    Caller caller = Caller::current();
    MsgState& s = state();
    base::ScopedLock guard(s.lock);
    RefPtr<MsgQueue> queue = TRY(s.ids.find_id(id));
    long index = -1;
    TRY(wait_until(s, *queue, caller, 0444, (flags & IPC_NOWAIT) ? ENOMSG : 0, [&] {
        index = copy ? (type >= 0 && static_cast<std::size_t>(type) < queue->messages.size() ? type : -1)
                     : select_message(*queue, type, flags);
        return index >= 0;
    }));
    Message& found = queue->messages[static_cast<std::size_t>(index)];
    std::size_t length = found.text.size();
    if (length > size) {
        if (!(flags & MSG_NOERROR)) return Error::from_errno(E2BIG);
        length = size;
    }
    TRY(mm::write_user<long>(address, found.type));
    if (length) TRY(mm::copy_to_user(address + sizeof(long), found.text.data(), length));
    if (copy) return static_cast<long>(length);
    queue->cbytes -= found.text.size();
    s.total_messages -= 1;
    s.total_bytes -= found.text.size();
    queue->messages.remove(static_cast<std::size_t>(index));
    queue->lrpid = caller.pid;
    queue->rtime = now_seconds();
    queue->changed.notify_all();
    return static_cast<long>(length);
}

Result<long> msg_ctl(int id, int cmd, std::uint64_t address) {
    cmd &= ~0x100;  // IPC_64
    MsgState& s = state();
    Caller caller = Caller::current();
    base::ScopedLock guard(s.lock);
    switch (cmd) {
    case IPC_INFO:
    case MSG_INFO: return msg_info(s, cmd, address);
    case MSG_STAT:
    case MSG_STAT_ANY: {
        Reply reply;
        long found = TRY(stat_by_index(s.ids, id, cmd == MSG_STAT_ANY, caller, reply, stat_of));
        TRY(reply.copy_out(address));
        return found;
    }
    default: break;
    }
    RefPtr<MsgQueue> queue = TRY(s.ids.find_id(id));
    switch (cmd) {
    case IPC_STAT: {
        Reply reply;
        TRY(stat_into(*queue, true, caller, reply, stat_of));
        TRY(reply.copy_out(address));
        return 0;
    }
    case IPC_SET: {
        UserMsqid wanted = TRY(mm::read_user<UserMsqid>(address));
        TRY(check_owner(queue->perm, caller));
        if (wanted.qbytes > MSGMNB && !caller.privileged) return Error::from_errno(EPERM);
        queue->qbytes = wanted.qbytes;
        set_owner(queue->perm, wanted.perm.uid, wanted.perm.gid, wanted.perm.mode);
        queue->ctime = now_seconds();
        queue->changed.notify_all();  // senders may fit now
        return 0;
    }
    case IPC_RMID:
        TRY(check_owner(queue->perm, caller));
        queue->perm.deleted = true;
        s.total_messages -= queue->messages.size();
        s.total_bytes -= queue->cbytes;
        s.ids.remove(*queue);
        queue->changed.notify_all();
        return 0;
    default: return Error::from_errno(EINVAL);
    }
}

Result<base::Vector<MsgRow>> msg_rows() {
    MsgState& s = state();
    return rows_of<MsgRow>(s.lock, s.ids, [](const MsgQueue& queue) {
        return MsgRow{queue.perm,  queue.cbytes, queue.messages.size(), queue.lspid,
                      queue.lrpid, queue.stime,  queue.rtime,           queue.ctime};
    });
}

}  // namespace cella::ipc::sysv
