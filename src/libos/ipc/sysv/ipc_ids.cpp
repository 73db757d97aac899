#include "ipc_ids.h"

#include "libos/host/host.h"
#include "libos/process/current.h"

namespace cella::ipc::sysv {

bool Caller::in_group(std::uint32_t gid) const {
    if (gid == egid) return true;
    if (!process) return false;
    // Another thread of the process may be changing them (setgroups).
    base::ScopedLock guard(process->credentials_lock());
    for (std::uint32_t g : process->credentials.groups())
        if (g == gid) return true;
    return false;
}

Caller Caller::current() {
    process::Process& self = process::current_process();
    Caller caller;
    caller.pid = self.pid();
    caller.euid = self.credentials.uids().effective;
    caller.egid = self.credentials.gids().effective;
    caller.privileged = caller.euid == 0;
    caller.process = &self;
    return caller;
}

bool permitted(const IpcPerm& perm, const Caller& caller, int flag) {
    int requested = (flag >> 6) | (flag >> 3) | flag;
    std::uint32_t granted = perm.mode;
    if (caller.euid == perm.cuid || caller.euid == perm.uid)
        granted >>= 6;
    else if (caller.in_group(perm.cgid) || caller.in_group(perm.gid))
        granted >>= 3;
    return !(requested & ~granted & 07) || caller.privileged;
}

Result<void> check_owner(const IpcPerm& perm, const Caller& caller) {
    if (caller.euid == perm.cuid || caller.euid == perm.uid || caller.privileged) return {};
    return Error::from_errno(EPERM);
}

void set_owner(IpcPerm& perm, std::uint32_t uid, std::uint32_t gid, std::uint32_t mode) {
    perm.uid = uid;
    perm.gid = gid;
    perm.mode = (perm.mode & ~0777u) | (mode & 0777u);
}

UserIpcPerm to_user(const IpcPerm& perm) {
    return {perm.key, perm.uid, perm.gid, perm.cuid, perm.cgid, perm.mode, perm.seq, 0, 0, 0};
}

std::int64_t now_seconds() {
    std::int64_t seconds = 0, nanoseconds = 0;
    if (host::clock_gettime(0 /* CLOCK_REALTIME */, seconds, nanoseconds).is_error()) return 0;
    return seconds;
}

IpcPerm new_perm(int key, int flags) {
    Caller caller = Caller::current();
    IpcPerm perm;
    perm.key = key;
    perm.uid = perm.cuid = caller.euid;
    perm.gid = perm.cgid = caller.egid;
    perm.mode = static_cast<std::uint32_t>(flags) & 0777u;
    return perm;
}

}  // namespace cella::ipc::sysv

namespace cella::ipc::sysv {

static std::int64_t clock_ns(int clock) {
    std::int64_t seconds = 0, nanoseconds = 0;
    if (host::clock_gettime(clock, seconds, nanoseconds).is_error()) return 0;
    return seconds * 1000000000 + nanoseconds;
}

std::int64_t monotonic_ns() { return clock_ns(1); }
std::int64_t realtime_ns() { return clock_ns(0); }

}  // namespace cella::ipc::sysv
