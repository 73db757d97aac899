#include "sem.h"

#include <linux/sem.h>

#include "libos/base/global.h"
#include "libos/base/intrusive_list.h"
#include "libos/base/lock.h"
#include "libos/ipc/waitable.h"
#include "libos/mm/user_memory.h"

namespace cella::ipc::sysv {
namespace {

constexpr int kInProgress = 1;  // a queued operation's status until it is done

struct Semaphore {
    int value = 0;
    int pid = 0;  // the last process that changed it (GETPID)
};

// A process's SEM_UNDO adjustments on one set.
struct Undo {
    int pid;
    base::Vector<std::int16_t> adjust;
};

// A semop waiting in its set's queue. It lives on the waiting thread's stack.
struct Pending : base::IntrusiveListNode<> {
    std::span<const SemBuf> ops;
    int pid = 0;
    bool alters = false;
    std::size_t blocking = 0;  // the operation it waits on, for GETNCNT/GETZCNT
    int status = kInProgress;  // then 0 or an errno
};

class SemSet : public base::RefCounted<SemSet> {
public:
    ~SemSet() {
        while (pending.take_first()) {
        }
    }
    IpcPerm perm;
    base::Vector<Semaphore> sems;
    std::int64_t otime = 0, ctime = 0;
    base::Vector<Undo> undos;
    base::IntrusiveList<Pending> pending;
    // Notified whenever a queued operation completes or the set goes.
    Waitable changed;
};

// One lock for every set: semaphore sets are few and their operations short.
struct SemState {
    base::Mutex lock;
    IpcIds<SemSet> ids{SEMMNI};
    std::uint64_t used_sems = 0;
};
base::Global<SemState> g_sem;

SemState& state() {
    if (!g_sem.is_constructed()) g_sem.construct();
    return g_sem.get();
}

Undo* find_undo(SemSet& set, int pid) {
    for (Undo& undo : set.undos)
        if (undo.pid == pid) return &undo;
    return nullptr;
}

Result<Undo*> undo_for(SemSet& set, int pid) {
    if (Undo* found = find_undo(set, pid)) return found;
    Undo undo{pid, {}};
    TRY(undo.adjust.try_resize(set.sems.size()));
    TRY(set.undos.try_append(static_cast<Undo&&>(undo)));
    return &set.undos[set.undos.size() - 1];
}

constexpr int kWouldBlock = -1;

// Linux's perform_atomic_semop_slow: applies the operations in order and
// undoes them all when one cannot proceed. Returns 0, an errno, or
// kWouldBlock with `blocking` set.
int try_ops(SemSet& set, std::span<const SemBuf> ops, int pid, std::size_t& blocking) {
    Undo* undo = find_undo(set, pid);
    std::size_t done = 0;
    int outcome = 0;
    for (; done < ops.size(); ++done) {
        const SemBuf& op = ops[done];
        Semaphore& sem = set.sems[op.num];
        int result = sem.value + op.op;
        if ((op.op == 0 && sem.value != 0) || result < 0) {
            outcome = (op.flags & IPC_NOWAIT) ? EAGAIN : kWouldBlock;
            blocking = done;
            break;
        }
        if (result > SEMVMX) {
            outcome = ERANGE;
            break;
        }
        if ((op.flags & SEM_UNDO) && undo) {
            int adjust = undo->adjust[op.num] - op.op;
            if (adjust < -SEMAEM - 1 || adjust > SEMAEM) {
                outcome = ERANGE;
                break;
            }
            undo->adjust[op.num] = static_cast<std::int16_t>(adjust);
        }
        sem.value = result;
    }
    if (outcome == 0) {
        for (const SemBuf& op : ops) set.sems[op.num].pid = pid;
        return 0;
    }
    while (done-- > 0) {
        const SemBuf& op = ops[done];
        set.sems[op.num].value -= op.op;
        if ((op.flags & SEM_UNDO) && undo) undo->adjust[op.num] = static_cast<std::int16_t>(undo->adjust[op.num] + op.op);
    }
    return outcome;
}

// The set changed: completes what it can of the queue, oldest first, and
// starts over after each success that changed values.
void update_queue(SemSet& set) {
    bool completed_any = false;
    for (bool again = true; again;) {
        again = false;
        for (Pending& waiting : set.pending) {
            int outcome = try_ops(set, waiting.ops, waiting.pid, waiting.blocking);
            if (outcome == kWouldBlock) continue;
            base::IntrusiveList<Pending>::remove(waiting);
            waiting.status = outcome;
            completed_any = true;
            if (outcome == 0) set.otime = now_seconds();
            again = outcome == 0 && waiting.alters;
            break;
        }
    }
    if (completed_any) set.changed.notify_all();
}

void remove_set(SemState& s, SemSet& set) {
    set.perm.deleted = true;
    while (Pending* waiting = set.pending.take_first()) waiting->status = EIDRM;
    s.used_sems -= set.sems.size();
    s.ids.remove(set);
    set.changed.notify_all();
}

int count_waiting(SemSet& set, int num, bool for_zero) {
    int count = 0;
    for (Pending& waiting : set.pending) {
        const SemBuf& op = waiting.ops[waiting.blocking];
        if (op.num == num && (for_zero ? op.op == 0 : op.op < 0)) ++count;
    }
    return count;
}

// The kernel's struct semid64_ds (x86-64).
struct UserSemid {
    UserIpcPerm perm;
    std::int64_t otime;
    std::uint64_t unused1;
    std::int64_t ctime;
    std::uint64_t unused2;
    std::uint64_t nsems;
    std::uint64_t unused3, unused4;
};

UserSemid stat_of(const SemSet& set) {
    return {to_user(set.perm), set.otime, 0, set.ctime, 0, set.sems.size(), 0, 0};
}

Result<long> sem_info(SemState& s, int cmd, std::uint64_t address) {
    struct seminfo info{};
    info.semmni = SEMMNI;
    info.semmns = SEMMNS;
    info.semmsl = SEMMSL;
    info.semopm = SEMOPM;
    info.semvmx = SEMVMX;
    info.semmnu = SEMMNU;
    info.semmap = SEMMAP;
    info.semume = SEMUME;
    info.semusz = cmd == SEM_INFO ? s.ids.count() : SEMUSZ;
    info.semaem = cmd == SEM_INFO ? static_cast<int>(s.used_sems) : SEMAEM;
    TRY(mm::copy_to_user(address, &info, sizeof info));
    int max = s.ids.max_index();
    return max < 0 ? 0 : max;
}

}  // namespace

Result<int> sem_get(int key, int nsems, int flags) {
    if (nsems < 0 || nsems > SEMMSL) return Error::from_errno(EINVAL);
    SemState& s = state();
    base::ScopedLock guard(s.lock);
    auto create = [&]() -> Result<int> {
        if (nsems == 0) return Error::from_errno(EINVAL);
        if (s.used_sems + static_cast<std::uint64_t>(nsems) > SEMMNS) return Error::from_errno(ENOSPC);
        auto set = TRY(base::make_ref<SemSet>());
        set->perm = new_perm(key, flags);
        TRY(set->sems.try_resize(static_cast<std::size_t>(nsems)));
        set->ctime = now_seconds();
        int id = TRY(s.ids.add(static_cast<RefPtr<SemSet>&&>(set)));
        s.used_sems += static_cast<std::uint64_t>(nsems);
        return id;
    };
    auto check = [&](const SemSet& set) -> Result<void> {
        if (static_cast<std::size_t>(nsems) > set.sems.size()) return Error::from_errno(EINVAL);
        return {};
    };
    return get_or_create(s.ids, key, flags, create, check);
}

Result<void> sem_op(int id, std::span<const SemBuf> ops, std::int64_t timeout_ns) {
    if (ops.empty() || id < 0) return Error::from_errno(EINVAL);
    if (ops.size() > SEMOPM) return Error::from_errno(E2BIG);
    std::uint16_t highest = 0;
    bool undo = false, alters = false;
    for (const SemBuf& op : ops) {
        if (op.num > highest) highest = op.num;
        undo |= (op.flags & SEM_UNDO) != 0;
        alters |= op.op != 0;
    }
    Deadline deadline(timeout_ns);
    Caller caller = Caller::current();
    SemState& s = state();
    base::ScopedLock guard(s.lock);
    RefPtr<SemSet> set = TRY(s.ids.find_id(id));
    if (highest >= set->sems.size()) return Error::from_errno(EFBIG);
    if (!permitted(set->perm, caller, alters ? 0222 : 0444)) return Error::from_errno(EACCES);
    if (undo) TRY(undo_for(*set, caller.pid));

    Pending waiting;
    waiting.ops = ops;
    waiting.pid = caller.pid;
    waiting.alters = alters;
    int outcome = try_ops(*set, ops, caller.pid, waiting.blocking);
    if (outcome == 0) {
        set->otime = now_seconds();
        if (alters) update_queue(*set);
        return {};
    }
    if (outcome != kWouldBlock) return Error::from_errno(outcome);

    Waiter waiter;
    waiter.watch(set->changed);
    set->pending.push_back(waiting);
    while (true) {
        std::int64_t left = deadline.left();
        WaitResult woke = WaitResult::TimedOut;
        if (left != 0) {
            s.lock.unlock();
            woke = waiter.wait(left);
            s.lock.lock();
        }
        if (waiting.status != kInProgress) {
            if (waiting.status) return Error::from_errno(waiting.status);
            return {};
        }
        if (woke == WaitResult::Notified) continue;
        base::IntrusiveList<Pending>::remove(waiting);
        // semop is never restarted, whatever SA_RESTART says (signal(7)).
        return Error::from_errno(woke == WaitResult::Interrupted ? EINTR : EAGAIN);
    }
}

Result<long> sem_ctl(int id, int num, int cmd, std::uint64_t arg) {
    cmd &= ~0x100;  // IPC_64: x86-64 has one layout
    SemState& s = state();
    Caller caller = Caller::current();
    base::ScopedLock guard(s.lock);
    switch (cmd) {
    case IPC_INFO:
    case SEM_INFO: return sem_info(s, cmd, arg);
    case SEM_STAT:
    case SEM_STAT_ANY: {
        Reply reply;
        long found = TRY(stat_by_index(s.ids, id, cmd == SEM_STAT_ANY, caller, reply, stat_of));
        TRY(reply.copy_out(arg));
        return found;
    }
    default: break;
    }
    RefPtr<SemSet> set = TRY(s.ids.find_id(id));
    auto need = [&](int flag) -> Result<void> {
        if (!permitted(set->perm, caller, flag)) return Error::from_errno(EACCES);
        return {};
    };
    auto semaphore = [&]() -> Result<Semaphore*> {
        if (num < 0 || static_cast<std::size_t>(num) >= set->sems.size()) return Error::from_errno(EINVAL);
        return &set->sems[static_cast<std::size_t>(num)];
    };
    switch (cmd) {
    case IPC_STAT: {
        Reply reply;
        TRY(stat_into(*set, true, caller, reply, stat_of));
        TRY(reply.copy_out(arg));
        return 0;
    }
    case IPC_SET: {
        UserSemid wanted = TRY(mm::read_user<UserSemid>(arg));
        TRY(check_owner(set->perm, caller));
        set_owner(set->perm, wanted.perm.uid, wanted.perm.gid, wanted.perm.mode);
        set->ctime = now_seconds();
        return 0;
    }
    case IPC_RMID:
        TRY(check_owner(set->perm, caller));
        remove_set(s, *set);
        return 0;
    case GETVAL: TRY(need(0444)); return TRY(semaphore())->value;
    case GETPID: TRY(need(0444)); return TRY(semaphore())->pid;
    case GETNCNT: TRY(need(0444)); TRY(semaphore()); return count_waiting(*set, num, false);
    case GETZCNT: TRY(need(0444)); TRY(semaphore()); return count_waiting(*set, num, true);
    case GETALL: {
        TRY(need(0444));
        base::Vector<std::uint16_t> values;
        TRY(values.try_resize(set->sems.size()));
        for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<std::uint16_t>(set->sems[i].value);
        TRY(mm::copy_to_user(arg, values.data(), values.size() * sizeof(std::uint16_t)));
        return 0;
    }
    case SETVAL: {
        TRY(need(0222));
        Semaphore* sem = TRY(semaphore());
        int value = static_cast<int>(arg);
        if (value < 0 || value > SEMVMX) return Error::from_errno(ERANGE);
        for (Undo& undo : set->undos) undo.adjust[static_cast<std::size_t>(num)] = 0;
        sem->value = value;
        sem->pid = caller.pid;
        set->ctime = now_seconds();
        update_queue(*set);
        return 0;
    }
    case SETALL: {
        TRY(need(0222));
        base::Vector<std::uint16_t> values;
        TRY(values.try_resize(set->sems.size()));
        TRY(mm::copy_from_user(values.data(), arg, values.size() * sizeof(std::uint16_t)));
        for (std::uint16_t value : values)
            if (value > SEMVMX) return Error::from_errno(ERANGE);
        for (Undo& undo : set->undos)
            for (std::int16_t& adjust : undo.adjust) adjust = 0;
        for (std::size_t i = 0; i < values.size(); ++i) set->sems[i] = {values[i], caller.pid};
        set->ctime = now_seconds();
        update_queue(*set);
        return 0;
    }
    default: return Error::from_errno(EINVAL);
    }
}

void sem_exit(int pid) {
    SemState& s = state();
    base::ScopedLock guard(s.lock);
    s.ids.for_each([&](SemSet& set) {
        for (std::size_t u = 0; u < set.undos.size(); ++u) {
            if (set.undos[u].pid != pid) continue;
            Undo& undo = set.undos[u];
            bool changed = false;
            for (std::size_t i = 0; i < set.sems.size(); ++i) {
                if (!undo.adjust[i]) continue;
                int value = set.sems[i].value + undo.adjust[i];
                set.sems[i] = {value < 0 ? 0 : value > SEMVMX ? SEMVMX : value, pid};
                changed = true;
            }
            set.undos.remove(u);
            if (changed) update_queue(set);
            return;
        }
    });
}

Result<base::Vector<SemRow>> sem_rows() {
    SemState& s = state();
    return rows_of<SemRow>(s.lock, s.ids,
                           [](const SemSet& set) { return SemRow{set.perm, set.sems.size(), set.otime, set.ctime}; });
}

}  // namespace cella::ipc::sysv
