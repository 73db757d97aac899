#pragma once
// What the three System V IPC families share (Linux's ipc/util.c): keys
// and ids, permissions, the get-or-create rules of semget/msgget/shmget,
// and the owner checks of IPC_SET/IPC_RMID. Each family keeps its objects
// in an IpcIds under its own lock.
#include <asm-generic/errno.h>
#include <linux/ipc.h>

#include <cstdint>

#include "libos/base/lock.h"
#include "libos/base/own_ptr.h"
#include "libos/base/result.h"
#include "libos/base/vector.h"
#include "libos/mm/user_memory.h"
#include "ids.h"

namespace cella::process {
class Process;
}

namespace cella::ipc::sysv {

using base::Error;
using base::RefPtr;
using base::Result;

// The calling process's identity as the permission checks see it.
struct Caller {
    int pid = 0;
    std::uint32_t euid = 0, egid = 0;
    bool privileged = false;  // CAP_IPC_OWNER / CAP_SYS_ADMIN: effective uid 0
    process::Process* process = nullptr;  // for its supplementary groups
    bool in_group(std::uint32_t gid) const;
    static Caller current();
};

// ipcperms(): `flag` holds the S_IRUGO/S_IWUGO bits asked for.
bool permitted(const IpcPerm& perm, const Caller& caller, int flag);
// IPC_SET and IPC_RMID: the creator, the owner or a privileged caller (EPERM).
Result<void> check_owner(const IpcPerm& perm, const Caller& caller);
// IPC_SET's uid, gid and low mode bits.
void set_owner(IpcPerm& perm, std::uint32_t uid, std::uint32_t gid, std::uint32_t mode);

// The kernel's struct ipc64_perm.
struct UserIpcPerm {
    int key;
    std::uint32_t uid, gid, cuid, cgid;
    std::uint32_t mode;
    std::uint16_t seq;
    std::uint16_t pad;
    std::uint64_t unused1, unused2;
};
static_assert(sizeof(UserIpcPerm) == 48);
UserIpcPerm to_user(const IpcPerm& perm);

// Realtime seconds for the *_otime/*_ctime fields.
std::int64_t now_seconds();

// semget/msgget/shmget: an existing object by key, or a new one. `create`
// makes and adds the object and returns its id; `check` is the family's
// own test of an existing one (EINVAL for a size it cannot give).
template <typename T, typename Create, typename Check>
Result<int> get_or_create(IpcIds<T>& ids, int key, int flags, Create&& create, Check&& check) {
    if (key == IPC_PRIVATE) return create();
    RefPtr<T> found = ids.find_key(key);
    if (!found) {
        if (!(flags & IPC_CREAT)) return Error::from_errno(ENOENT);
        return create();
    }
    if ((flags & IPC_CREAT) && (flags & IPC_EXCL)) return Error::from_errno(EEXIST);
    TRY(check(*found));
    if (!permitted(found->perm, Caller::current(), flags)) return Error::from_errno(EACCES);
    return found->perm.id;
}

// A new object's perm: key, owner and creator, mode from the get flags.
IpcPerm new_perm(int key, int flags);

// What a *ctl call gives the application, made under the family's lock
// and copied out after. Shared memory must copy with its lock released: a
// copy takes the address space lock, under which a detach takes the
// shared memory lock.
struct Reply {
    alignas(8) std::uint8_t bytes[128];
    std::size_t size = 0;
    template <typename T>
    void set(const T& value) {
        static_assert(sizeof(T) <= sizeof bytes);
        __builtin_memcpy(bytes, &value, sizeof value);
        size = sizeof value;
    }
    Result<void> copy_out(std::uint64_t address) const {
        if (!size) return {};
        return mm::copy_to_user(address, bytes, size);
    }
};

// IPC_STAT: describe(object) into `reply`, read permission needed when `check`.
template <typename T, typename Describe>
Result<void> stat_into(const T& object, bool check, const Caller& caller, Reply& reply, Describe&& describe) {
    if (check && !permitted(object.perm, caller, 0444)) return Error::from_errno(EACCES);
    reply.set(describe(object));
    return {};
}

// *_STAT and *_STAT_ANY (no permission needed): the object at `index`;
// returns its id.
template <typename T, typename Describe>
Result<long> stat_by_index(const IpcIds<T>& ids, int index, bool any, const Caller& caller, Reply& reply,
                           Describe&& describe) {
    RefPtr<T> object = TRY(ids.find_index(index));
    TRY(stat_into(*object, !any, caller, reply, describe));
    return object->perm.id;
}

// One row per object, made under the family's lock (for /proc/sysvipc).
template <typename Row, typename T, typename MakeRow>
Result<base::Vector<Row>> rows_of(base::Mutex& lock, const IpcIds<T>& ids, MakeRow&& make) {
    base::ScopedLock guard(lock);
    base::Vector<Row> rows;
    Result<void> added;
    ids.for_each([&](const T& object) {
        if (!added.is_error()) added = rows.try_append(make(object));
    });
    TRY(added);
    return rows;
}

}  // namespace cella::ipc::sysv

namespace cella::ipc::sysv {

// Clocks for waits with a time limit.
std::int64_t monotonic_ns();
std::int64_t realtime_ns();

// A deadline on the monotonic clock; none when the timeout is negative.
class Deadline {
public:
    explicit Deadline(std::int64_t timeout_ns) : at_(timeout_ns < 0 ? -1 : monotonic_ns() + timeout_ns) {}
    static Deadline none() { return Deadline(-1); }
    // Nanoseconds left (0 once passed), or -1 for no limit.
    std::int64_t left() const {
        if (at_ < 0) return -1;
        std::int64_t now = monotonic_ns();
        return now >= at_ ? 0 : at_ - now;
    }

private:
    std::int64_t at_;
};

}  // namespace cella::ipc::sysv
