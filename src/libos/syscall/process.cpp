// Process identity and per-process settings.
#include <asm-generic/errno.h>
#include <asm/prctl.h>
#include <asm/signal.h>
#include <asm/unistd.h>
#include <linux/fcntl.h>
#include <linux/resource.h>

#include "libos/host/host.h"
#include "libos/mm/user_memory.h"
#include "libos/process/current.h"
#include "libos/process/children.h"
#include "libos/process/exec.h"
#include "libos/process/groups.h"
#include "libos/process/pidfd.h"
#include "libos/process/process_table.h"
#include "libos/process/siginfo.h"
#include "rusage.h"
#include "syscall.h"

namespace cella::syscall {
namespace {

using process::current_process;

constexpr int ARCH_CET_STATUS = 0x3001;

Result<long> sys_getpid(SyscallArgs&) { return current_process().pid(); }
Result<long> sys_getppid(SyscallArgs&) { return current_process().ppid(); }
// Ids start as root, as in Occlum; they change as Linux's rules say but
// never change what a process may access.
template <typename F>
Result<long> with_credentials(F&& change) {
    process::Process& self = current_process();
    base::ScopedLock guard(self.credentials_lock());
    return change(self.credentials);
}

using Credentials = process::Credentials;
std::uint32_t id_arg(SyscallArgs& a, int i) { return static_cast<std::uint32_t>(a.arg[i]); }

Result<long> sys_getuid(SyscallArgs&) { return with_credentials([](Credentials& c) -> Result<long> { return c.uids().real; }); }
Result<long> sys_geteuid(SyscallArgs&) { return with_credentials([](Credentials& c) -> Result<long> { return c.uids().effective; }); }
Result<long> sys_getgid(SyscallArgs&) { return with_credentials([](Credentials& c) -> Result<long> { return c.gids().real; }); }
Result<long> sys_getegid(SyscallArgs&) { return with_credentials([](Credentials& c) -> Result<long> { return c.gids().effective; }); }

Result<long> sys_setuid(SyscallArgs& a) {
    return with_credentials([&](Credentials& c) -> Result<long> { TRY(c.set_uid(id_arg(a, 0))); return 0; });
}
Result<long> sys_setgid(SyscallArgs& a) {
    return with_credentials([&](Credentials& c) -> Result<long> { TRY(c.set_gid(id_arg(a, 0))); return 0; });
}
Result<long> sys_setreuid(SyscallArgs& a) {
    return with_credentials([&](Credentials& c) -> Result<long> { TRY(c.set_reuid(id_arg(a, 0), id_arg(a, 1))); return 0; });
}
Result<long> sys_setregid(SyscallArgs& a) {
    return with_credentials([&](Credentials& c) -> Result<long> { TRY(c.set_regid(id_arg(a, 0), id_arg(a, 1))); return 0; });
}
Result<long> sys_setresuid(SyscallArgs& a) {
    return with_credentials([&](Credentials& c) -> Result<long> {
        TRY(c.set_resuid(id_arg(a, 0), id_arg(a, 1), id_arg(a, 2)));
        return 0;
    });
}
Result<long> sys_setresgid(SyscallArgs& a) {
    return with_credentials([&](Credentials& c) -> Result<long> {
        TRY(c.set_resgid(id_arg(a, 0), id_arg(a, 1), id_arg(a, 2)));
        return 0;
    });
}

Result<long> write_ids(SyscallArgs& a, const Credentials::Ids& ids) {
    TRY(mm::write_user(a.address(0), ids.real));
    TRY(mm::write_user(a.address(1), ids.effective));
    TRY(mm::write_user(a.address(2), ids.saved));
    return 0;
}
Credentials::Ids current_ids(bool users) {
    process::Process& self = current_process();
    base::ScopedLock guard(self.credentials_lock());
    return users ? self.credentials.uids() : self.credentials.gids();
}
Result<long> sys_getresuid(SyscallArgs& a) { return write_ids(a, current_ids(true)); }
Result<long> sys_getresgid(SyscallArgs& a) { return write_ids(a, current_ids(false)); }
Result<long> sys_setfsuid(SyscallArgs& a) {
    return with_credentials([&](Credentials& c) -> Result<long> { return c.set_fsuid(id_arg(a, 0)); });
}
Result<long> sys_setfsgid(SyscallArgs& a) {
    return with_credentials([&](Credentials& c) -> Result<long> { return c.set_fsgid(id_arg(a, 0)); });
}

Result<long> sys_getgroups(SyscallArgs& a) {
    int size = a.integer(0);
    if (size < 0) return Error::from_errno(EINVAL);
    base::Vector<std::uint32_t> groups;
    {
        process::Process& self = current_process();
        base::ScopedLock guard(self.credentials_lock());
        const auto& current = self.credentials.groups();
        TRY(groups.try_append(std::span<const std::uint32_t>(current.data(), current.size())));
    }
    if (size == 0) return static_cast<long>(groups.size());
    if (static_cast<std::size_t>(size) < groups.size()) return Error::from_errno(EINVAL);
    TRY(mm::copy_to_user(a.address(1), groups.data(), groups.size() * sizeof(std::uint32_t)));
    return static_cast<long>(groups.size());
}

Result<long> sys_setgroups(SyscallArgs& a) {
    std::size_t size = a.size(0);
    if (size > Credentials::kMaxGroups) return Error::from_errno(EINVAL);
    base::Vector<std::uint32_t> groups;
    TRY(groups.try_resize(size));
    if (size) TRY(mm::copy_from_user(groups.data(), a.address(1), size * sizeof(std::uint32_t)));
    return with_credentials([&](Credentials& c) -> Result<long> {
        TRY(c.set_groups(static_cast<base::Vector<std::uint32_t>&&>(groups)));
        return 0;
    });
}

Result<long> sys_arch_prctl(SyscallArgs& a) {
    switch (a.integer(0)) {
    case ARCH_SET_FS:
        if (a.address(1) >= (1ull << 47)) return Error::from_errno(EPERM);
        TRY(host::set_fs_base(a.address(1)));
        return 0;
    case ARCH_GET_FS:
        TRY(mm::write_user(a.address(1), host::fs_base()));
        return 0;
    case ARCH_SET_GS:
        // %gs belongs to the LibOS (DESIGN.md section 3).
        return Error::from_errno(EPERM);
    case ARCH_GET_GS:
        TRY(mm::write_user(a.address(1), std::uint64_t{0}));
        return 0;
    case ARCH_CET_STATUS:
    default:
        return Error::from_errno(EINVAL);
    }
}

constexpr int kCapSysResource = 24;

// The process prlimit64 names: 0 or the caller, or another one the caller
// may change (same real uid, or CAP_SYS_RESOURCE).
Result<base::RefPtr<process::Process>> limits_target(int pid, bool& privileged) {
    process::Process& self = current_process();
    std::uint32_t uid;
    {
        base::ScopedLock guard(self.credentials_lock());
        privileged = self.credentials.has_capability(kCapSysResource);
        uid = self.credentials.uids().real;
    }
    if (pid == 0 || pid == self.pid()) return base::RefPtr<process::Process>(&self);
    base::RefPtr<process::Process> target = process::process_table().find_process(pid);
    if (!target) return Error::from_errno(ESRCH);
    base::ScopedLock guard(target->credentials_lock());
    if (!privileged && target->credentials.uids().real != uid) return Error::from_errno(EPERM);
    return target;
}

Result<void> set_limit(process::Process& target, int resource, process::Rlimit wanted, bool privileged) {
    TRY(target.limits.set(resource, wanted, privileged));
    if (resource == RLIMIT_NOFILE)
        target.fds().set_limit(static_cast<int>(wanted.current > 0x7fffffff ? 0x7fffffff : wanted.current));
    return {};
}

Result<long> sys_prlimit64(SyscallArgs& a) {
    bool privileged = false;
    base::RefPtr<process::Process> target = TRY(limits_target(a.integer(0), privileged));
    int resource = a.integer(1);
    process::Rlimit old = TRY(target->limits.get(resource));
    if (a.address(2)) TRY(set_limit(*target, resource, TRY(mm::read_user<process::Rlimit>(a.address(2))), privileged));
    if (a.address(3)) TRY(mm::write_user(a.address(3), old));
    return 0;
}

Result<long> sys_getrlimit(SyscallArgs& a) {
    TRY(mm::write_user(a.address(1), TRY(current_process().limits.get(a.integer(0)))));
    return 0;
}

Result<long> sys_setrlimit(SyscallArgs& a) {
    bool privileged = false;
    base::RefPtr<process::Process> self = TRY(limits_target(0, privileged));
    TRY(set_limit(*self, a.integer(0), TRY(mm::read_user<process::Rlimit>(a.address(1))), privileged));
    return 0;
}

// Process groups and sessions.
Result<long> sys_getpgid(SyscallArgs& a) { return TRY(process::process_for_query(current_process(), a.integer(0)))->pgid; }
Result<long> sys_getpgrp(SyscallArgs&) { return current_process().pgid; }
Result<long> sys_getsid(SyscallArgs& a) { return TRY(process::process_for_query(current_process(), a.integer(0)))->sid; }

Result<long> sys_setpgid(SyscallArgs& a) {
    TRY(process::set_process_group(current_process(), a.integer(0), a.integer(1)));
    return 0;
}

Result<long> sys_setsid(SyscallArgs&) { return TRY(process::new_session(current_process())); }

Result<void> write_child_rusage(std::uint64_t address, const process::WaitOutcome& outcome) {
    if (!address) return {};
    std::int64_t system = outcome.system_ns;
    return mm::write_user(address, rusage_of(time::CpuTimes{outcome.cpu_ns > system ? outcome.cpu_ns - system : 0, system}));
}

Result<long> sys_wait4(SyscallArgs& a) {
    int pid = a.integer(0);
    int options = a.integer(2);
    constexpr int kAllowed = process::kWaitNoHang | process::kWaitStopped | process::kWaitContinued |
                             process::kWaitNoThread | process::kWaitAll | process::kWaitClone;
    if (options & ~kAllowed) return Error::from_errno(EINVAL);
    if (pid == -2147483647 - 1) return Error::from_errno(ESRCH);
    process::WaitRequest request;
    request.options = options | process::kWaitExited;
    if (pid > 0) request = {process::WaitRequest::Which::Pid, pid, request.options};
    else if (pid == 0) request = {process::WaitRequest::Which::Group, current_process().pgid, request.options};
    else if (pid < -1) request = {process::WaitRequest::Which::Group, -pid, request.options};
    process::WaitOutcome outcome = TRY(process::wait_for_child(current_process(), request));
    if (outcome.pid && a.address(1)) TRY(mm::write_user(a.address(1), outcome.status));
    if (outcome.pid) TRY(write_child_rusage(a.address(3), outcome));
    return outcome.pid;
}

Result<long> sys_waitid(SyscallArgs& a) {
    constexpr int kPidAll = 0, kPid = 1, kPgid = 2, kPidfd = 3;
    int nothing_yet_error = 0;
    int which = a.integer(0);
    int id = a.integer(1);
    int options = a.integer(3);
    constexpr int kAllowed = process::kWaitNoHang | process::kWaitStopped | process::kWaitExited |
                             process::kWaitContinued | process::kWaitNoWait | process::kWaitNoThread |
                             process::kWaitAll | process::kWaitClone;
    if (options & ~kAllowed) return Error::from_errno(EINVAL);
    if (!(options & (process::kWaitStopped | process::kWaitExited | process::kWaitContinued)))
        return Error::from_errno(EINVAL);
    process::WaitRequest request{process::WaitRequest::Which::Any, 0, options};
    switch (which) {
    case kPidAll: break;
    case kPid:
        if (id <= 0) return Error::from_errno(EINVAL);
        request.which = process::WaitRequest::Which::Pid;
        request.id = id;
        break;
    case kPgid:
        if (id < 0) return Error::from_errno(EINVAL);
        request.which = process::WaitRequest::Which::Group;
        request.id = id ? id : current_process().pgid;
        break;
    case kPidfd: {
        base::RefPtr<process::PidFdFile> pidfd = TRY(process::pidfd_of(current_process(), id));
        request.which = process::WaitRequest::Which::Pid;
        request.id = pidfd->process().pid();
        // A non-blocking pidfd makes the wait WNOHANG, and "nothing yet" EAGAIN.
        if (pidfd->flags() & O_NONBLOCK) {
            request.options |= process::kWaitNoHang;
            nothing_yet_error = EAGAIN;
        }
        break;
    }
    default: return Error::from_errno(EINVAL);
    }
    process::WaitOutcome outcome = TRY(process::wait_for_child(current_process(), request));
    if (!outcome.pid && nothing_yet_error) return Error::from_errno(nothing_yet_error);
    if (a.address(2)) {
        process::AppSiginfo info{};
        if (outcome.pid) {
            info = process::child_siginfo(SIGCHLD, outcome.code, outcome.pid, outcome.si_status, 0);
            info.put<std::int64_t>(32, 0);
        }
        TRY(mm::write_user(a.address(2), info));
    }
    if (outcome.pid) TRY(write_child_rusage(a.address(4), outcome));
    return 0;
}

Result<long> sys_close_range(SyscallArgs& a) {
    constexpr unsigned kUnshare = 1u << 1, kCloexec = 1u << 2;
    unsigned first = static_cast<unsigned>(a.arg[0]), last = static_cast<unsigned>(a.arg[1]);
    unsigned flags = static_cast<unsigned>(a.arg[2]);
    if ((flags & ~(kUnshare | kCloexec)) || first > last) return Error::from_errno(EINVAL);
    // Every process has its own table already, so CLOSE_RANGE_UNSHARE changes nothing.
    int high = last > 0x7fffffff ? 0x7fffffff : static_cast<int>(last);
    current_process().fds().close_range(static_cast<int>(first > 0x7fffffff ? 0x7fffffff : first), high,
                                        flags & kCloexec);
    return 0;
}

constexpr SyscallSpec kSpecs[] = {
    {__NR_getpgid, sys_getpgid, "d"},
    {__NR_getpgrp, sys_getpgrp, ""},
    {__NR_getsid, sys_getsid, "d"},
    {__NR_setpgid, sys_setpgid, "dd"},
    {__NR_setsid, sys_setsid, ""},
    {__NR_close_range, sys_close_range, "uux"},
    {__NR_wait4, sys_wait4, "dpxp"},
    {__NR_waitid, sys_waitid, "ddpxp"},
    {__NR_getpid, sys_getpid, ""},
    {__NR_getppid, sys_getppid, ""},
    {__NR_getuid, sys_getuid, ""},
    {__NR_geteuid, sys_geteuid, ""},
    {__NR_getgid, sys_getgid, ""},
    {__NR_getegid, sys_getegid, ""},
    {__NR_setuid, sys_setuid, "u"},
    {__NR_setgid, sys_setgid, "u"},
    {__NR_setreuid, sys_setreuid, "dd"},
    {__NR_setregid, sys_setregid, "dd"},
    {__NR_setresuid, sys_setresuid, "ddd"},
    {__NR_setresgid, sys_setresgid, "ddd"},
    {__NR_getresuid, sys_getresuid, "ppp"},
    {__NR_getresgid, sys_getresgid, "ppp"},
    {__NR_setfsuid, sys_setfsuid, "u"},
    {__NR_setfsgid, sys_setfsgid, "u"},
    {__NR_getgroups, sys_getgroups, "dp"},
    {__NR_setgroups, sys_setgroups, "up"},
    {__NR_arch_prctl, sys_arch_prctl, "xp"},
    {__NR_prlimit64, sys_prlimit64, "ddpp"},
    {__NR_getrlimit, sys_getrlimit, "dp"},
    {__NR_setrlimit, sys_setrlimit, "dp"},
};

}  // namespace

std::span<const SyscallSpec> process_syscalls() { return kSpecs; }

}  // namespace cella::syscall
