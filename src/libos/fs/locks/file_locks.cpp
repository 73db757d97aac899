#include "file_locks.h"

#include <asm-generic/errno.h>
#include <linux/fcntl.h>

#include "libos/base/global.h"
#include "libos/base/hash_map.h"
#include "libos/base/lock.h"
#include "libos/base/own_ptr.h"
#include "libos/base/vector.h"
#include "libos/fs/fd_table.h"
#include "libos/fs/open_file.h"
#include "libos/ipc/waitable.h"
#include "libos/process/signals.h"

namespace cella::fs::locks {
namespace {

using base::Error;
using base::Result;

// Linux gives up looking for a cycle after this many steps (fs/locks.c).
constexpr int kMaxDeadlockSteps = 10;

struct LockKey {
    std::uint64_t device;
    std::uint64_t inode;
    bool operator==(const LockKey&) const = default;
};

struct LockKeyHash {
    std::uint64_t operator()(const LockKey& key) const {
        return base::mix64(key.inode ^ (key.device * 0x9e3779b97f4a7c15ull));
    }
};

struct FlockEntry {
    const OpenFile* owner;
    bool exclusive;
};

// Everything locked in one file, and where its waiters sleep. It lives
// while it holds a lock or someone waits on it (a waiter is registered on
// `changed`).
struct LockedFile {
    RecordLockList records;
    base::Vector<FlockEntry> flocks;
    ipc::Waitable changed;
    int waiters = 0;
    bool unused() const { return records.is_empty() && flocks.is_empty() && waiters == 0; }
};

// A POSIX request asleep on another owner's lock: the edges of the
// wait-for graph the deadlock check walks.
struct BlockedRequest {
    const void* request;  // the sleeping call, so two threads of one process stay apart
    LockOwner waiter;
    LockOwner blocker;
};

struct LockTable {
    base::HashMap<LockKey, base::OwnPtr<LockedFile>, LockKeyHash> files;
    // Open file descriptions that hold flock or OFD locks, and on which file.
    base::HashMap<std::uintptr_t, LockKey> descriptions;
    base::Vector<BlockedRequest> blocked;
};

base::Mutex g_lock;
base::Global<LockTable> g_table;

// g_lock is held.
LockTable& table() {
    if (!g_table.is_constructed()) g_table.construct();
    return g_table.get();
}

Result<LockKey> key_of(OpenFile& file) {
    FileStat stat = TRY(file.stat());
    return LockKey{stat.dev, stat.ino};
}

Result<LockedFile*> find_or_make(LockTable& locks, LockKey key) {
    if (base::OwnPtr<LockedFile>* found = locks.files.find(key)) return found->get();
    auto made = base::make_own<LockedFile>();
    if (made.is_error()) return Error::from_errno(ENOLCK);
    LockedFile* state = made.value().get();
    if (locks.files.try_set(key, made.release_value()).is_error()) return Error::from_errno(ENOLCK);
    return state;
}

LockedFile* find(LockTable& locks, LockKey key) {
    base::OwnPtr<LockedFile>* found = locks.files.find(key);
    return found ? found->get() : nullptr;
}

void drop_if_unused(LockTable& locks, LockKey key, LockedFile* state) {
    if (state && state->unused()) locks.files.remove(key);
}

std::uint32_t& posix_count(LockOwner owner) { return reinterpret_cast<FdTable*>(owner.id)->posix_locked_files(); }

// Keeps the fd table's count of files with POSIX locks right after the
// owner's locks on one file changed from `had` to `has`.
void recount(LockOwner owner, bool had, bool has) {
    if (owner.ofd || had == has) return;
    __atomic_fetch_add(&posix_count(owner), has ? 1u : static_cast<std::uint32_t>(-1), __ATOMIC_RELAXED);
}

// An open file description took a lock: its last close must release it.
Result<void> remember_description(LockTable& locks, OpenFile& file, LockKey key) {
    if (file.holds_locks()) return {};
    if (locks.descriptions.try_set(reinterpret_cast<std::uintptr_t>(&file), key).is_error())
        return Error::from_errno(ENOLCK);
    file.set_holds_locks();
    return {};
}

// Whether `blocker` waits, directly or through other owners, on `requester`.
bool would_deadlock(LockTable& locks, LockOwner requester, LockOwner blocker) {
    for (int step = 0; step < kMaxDeadlockSteps; ++step) {
        if (blocker.ofd) return false;  // only POSIX waits take part, as on Linux
        const BlockedRequest* edge = nullptr;
        for (const BlockedRequest& request : locks.blocked)
            if (request.waiter == blocker) {
                edge = &request;
                break;
            }
        if (!edge) return false;
        blocker = edge->blocker;
        if (blocker == requester) return true;
    }
    return false;
}

void forget_blocked(LockTable& locks, const void* request) {
    for (std::size_t i = 0; i < locks.blocked.size(); ++i)
        if (locks.blocked[i].request == request) {
            locks.blocked.remove(i);
            return;
        }
}

// A sleep on `state` with g_lock held on entry and on return. The waiter
// stays registered across sleeps; `finish_waiting` takes it off.
class LockWait {
public:
    LockWait(LockTable& locks, LockKey key) : locks_(locks), key_(key) {}
    ~LockWait() { finish_waiting(); }

    // Sleeps until the file's locks change; ERESTARTSYS when a signal (or
    // the process's end) interrupts.
    Result<void> sleep(LockedFile& state) {
        if (!state_) {
            state_ = &state;
            waiter_.watch(state.changed);
            ++state.waiters;
        }
        g_lock.unlock();
        ipc::WaitResult result = waiter_.wait(-1);
        g_lock.lock();
        if (result == ipc::WaitResult::Interrupted) return Error::from_errno(static_cast<int>(process::kRestartSys));
        return {};
    }

    // Before the state may go away: no waiter may stay linked to it.
    void finish_waiting() {
        if (!state_) return;
        waiter_.unregister_all();
        --state_->waiters;
        drop_if_unused(locks_, key_, state_);
        state_ = nullptr;
    }

private:
    LockTable& locks_;
    LockKey key_;
    LockedFile* state_ = nullptr;
    ipc::Waiter waiter_;
};

}  // namespace

LockOwner posix_owner(FdTable& table) { return {reinterpret_cast<std::uintptr_t>(&table), false}; }
LockOwner ofd_owner(OpenFile& file) { return {reinterpret_cast<std::uintptr_t>(&file), true}; }

Result<std::optional<Conflict>> test_record_lock(OpenFile& file, LockOwner owner, LockType type, LockRange range) {
    LockKey key = TRY(key_of(file));
    base::ScopedLock guard(g_lock);
    LockedFile* state = find(table(), key);
    if (!state) return std::optional<Conflict>{};
    const RecordLock* conflict = state->records.find_conflict(owner, type, range.start, range.end);
    if (!conflict) return std::optional<Conflict>{};
    return std::optional<Conflict>{
        Conflict{conflict->type, {conflict->start, conflict->end}, conflict->owner.ofd ? -1 : conflict->pid}};
}

Result<void> set_record_lock(OpenFile& file, LockOwner owner, int pid, std::optional<LockType> type, LockRange range,
                             bool wait) {
    LockKey key = TRY(key_of(file));
    base::ScopedLock guard(g_lock);
    LockTable& locks = table();
    LockWait waiting(locks, key);
    while (true) {
        LockedFile* state = type ? TRY(find_or_make(locks, key)) : find(locks, key);
        if (!state) return {};  // nothing to unlock
        if (type) {
            if (const RecordLock* conflict = state->records.find_conflict(owner, *type, range.start, range.end)) {
                if (!wait) {
                    drop_if_unused(locks, key, state);
                    return Error::from_errno(EAGAIN);
                }
                LockOwner blocker = conflict->owner;
                if (!owner.ofd && would_deadlock(locks, owner, blocker)) {
                    drop_if_unused(locks, key, state);
                    return Error::from_errno(EDEADLK);
                }
                if (!owner.ofd) {
                    TRY(locks.blocked.try_append(BlockedRequest{&waiting, owner, blocker}));
                }
                Result<void> slept = waiting.sleep(*state);
                forget_blocked(locks, &waiting);
                TRY(slept);
                continue;
            }
        }
        bool had = state->records.holds_any(owner);
        Result<void> applied = owner.ofd && type ? remember_description(locks, file, key) : Result<void>{};
        if (!applied.is_error()) applied = state->records.apply(owner, pid, type, range.start, range.end);
        recount(owner, had, state->records.holds_any(owner));
        state->changed.notify_all();
        waiting.finish_waiting();
        drop_if_unused(locks, key, state);
        return applied;
    }
}

Result<void> flock(OpenFile& file, int operation) {
    bool nonblocking = operation & LOCK_NB;
    int kind = operation & ~LOCK_NB;
    if (kind != LOCK_SH && kind != LOCK_EX && kind != LOCK_UN) return Error::from_errno(EINVAL);
    bool exclusive = kind == LOCK_EX;
    LockKey key = TRY(key_of(file));
    base::ScopedLock guard(g_lock);
    LockTable& locks = table();
    LockedFile* state = kind == LOCK_UN ? find(locks, key) : TRY(find_or_make(locks, key));
    if (!state) return {};
    // A conversion drops the old lock first (not atomic, as on Linux): a
    // waiting request may get in between.
    for (std::size_t i = 0; i < state->flocks.size(); ++i) {
        if (state->flocks[i].owner != &file) continue;
        if (kind != LOCK_UN && state->flocks[i].exclusive == exclusive) return {};
        state->flocks.remove(i);
        state->changed.notify_all();
        break;
    }
    if (kind == LOCK_UN) {
        drop_if_unused(locks, key, state);
        return {};
    }
    LockWait waiting(locks, key);
    while (true) {
        bool conflict = false;
        for (const FlockEntry& entry : state->flocks)
            if (entry.owner != &file && (exclusive || entry.exclusive)) conflict = true;
        if (!conflict) break;
        if (nonblocking) {
            drop_if_unused(locks, key, state);
            return Error::from_errno(EWOULDBLOCK);
        }
        TRY(waiting.sleep(*state));
    }
    Result<void> remembered = remember_description(locks, file, key);
    if (!remembered.is_error() && state->flocks.try_append(FlockEntry{&file, exclusive}).is_error())
        remembered = Error::from_errno(ENOLCK);
    waiting.finish_waiting();
    drop_if_unused(locks, key, state);
    return remembered;
}

void file_closed_by(FdTable& fds, OpenFile& file) {
    if (__atomic_load_n(&fds.posix_locked_files(), __ATOMIC_RELAXED) == 0) return;
    auto key = key_of(file);
    if (key.is_error()) return;
    base::ScopedLock guard(g_lock);
    LockTable& locks = table();
    LockedFile* state = find(locks, key.value());
    if (!state) return;
    LockOwner owner = posix_owner(fds);
    if (state->records.remove_owner(owner)) {
        recount(owner, true, false);
        state->changed.notify_all();
    }
    drop_if_unused(locks, key.value(), state);
}

void owner_gone(FdTable& fds) {
    if (__atomic_load_n(&fds.posix_locked_files(), __ATOMIC_RELAXED) == 0) return;
    base::ScopedLock guard(g_lock);
    LockTable& locks = table();
    LockOwner owner = posix_owner(fds);
    base::Vector<LockKey> emptied;
    locks.files.for_each([&](const LockKey& key, base::OwnPtr<LockedFile>& state) {
        if (!state->records.remove_owner(owner)) return;
        state->changed.notify_all();
        if (state->unused()) (void)emptied.try_append(key);
    });
    for (const LockKey& key : emptied) locks.files.remove(key);
    __atomic_store_n(&fds.posix_locked_files(), 0u, __ATOMIC_RELAXED);
}

void open_file_gone(OpenFile& file) {
    base::ScopedLock guard(g_lock);
    LockTable& locks = table();
    std::uintptr_t id = reinterpret_cast<std::uintptr_t>(&file);
    LockKey* found = locks.descriptions.find(id);
    if (!found) return;
    LockKey key = *found;
    locks.descriptions.remove(id);
    LockedFile* state = find(locks, key);
    if (!state) return;
    for (std::size_t i = 0; i < state->flocks.size();)
        if (state->flocks[i].owner == &file)
            state->flocks.remove(i);
        else
            ++i;
    state->records.remove_owner(ofd_owner(file));
    state->changed.notify_all();
    drop_if_unused(locks, key, state);
}

}  // namespace cella::fs::locks
