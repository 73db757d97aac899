// Calls that reach into another process of the enclave: pidfd_open and
// pidfd_getfd, process_vm_readv/writev (with the target's own memory
// checks), kcmp. Every cella process may act on every other, as root may
// under Linux's ptrace access rules.
#include <asm-generic/errno.h>
#include <asm/unistd.h>
#include <linux/fcntl.h>
#include <linux/mman.h>

#include "libos/entry/asm_symbols.h"
#include "libos/mm/address_space.h"
#include "libos/mm/memory_ops.h"
#include "libos/mm/user_memory.h"
#include "libos/process/current.h"
#include "libos/process/pidfd.h"
#include "libos/process/process_table.h"
#include "iovec.h"
#include "syscall.h"

namespace cella::syscall {
namespace {

using base::RefPtr;
using process::current_process;
using process::Process;

Result<long> sys_pidfd_open(SyscallArgs& a) {
    int pid = a.integer(0);
    if (a.arg[1] & ~static_cast<std::uint64_t>(O_NONBLOCK) || pid <= 0) return Error::from_errno(EINVAL);
    RefPtr<Process> target = process::process_table().find_process(pid);
    if (!target) {
        // A thread that is not its process's main thread: EINVAL, as Linux.
        base::ScopedLock guard(process::process_table().lock());
        return Error::from_errno(process::process_table().find_thread(pid) ? EINVAL : ESRCH);
    }
    return TRY(process::open_pidfd(current_process(), target, a.integer(1)));
}

// A duplicate of the target's fd, close-on-exec, in the caller.
Result<long> sys_pidfd_getfd(SyscallArgs& a) {
    if (a.arg[2] != 0) return Error::from_errno(EINVAL);
    RefPtr<process::PidFdFile> pidfd = TRY(process::pidfd_of(current_process(), a.fd(0)));
    if (pidfd->process_exited()) return Error::from_errno(ESRCH);
    RefPtr<fs::OpenFile> file = TRY(pidfd->process().fds().get(a.fd(1)));
    return TRY(current_process().fds().install(file, true));
}

struct IoVec {
    std::uint64_t base;
    std::uint64_t length;
};
constexpr std::uint64_t kMaxIoVecs = 1024;  // UIO_MAXIOV

Result<base::Vector<IoVec>> read_iovecs(std::uint64_t address, std::uint64_t count) {
    if (count > kMaxIoVecs) return Error::from_errno(EINVAL);
    base::Vector<IoVec> vectors;
    TRY(vectors.try_resize(count));
    if (count) TRY(mm::copy_from_user(vectors.data(), address, count * sizeof(IoVec)));
    return vectors;
}

// Copies between the caller's `local` buffers and the target's `remote`
// ones, page by page of each side, each checked against its own process's
// mappings. Like Linux, it stops at the first page either side cannot
// take and reports what it moved; nothing moved is EFAULT.
Result<long> transfer(Process& target, base::Vector<IoVec>& local, base::Vector<IoVec>& remote, bool write) {
    std::uint64_t moved = 0;
    std::size_t l = 0, r = 0;
    std::uint64_t l_done = 0, r_done = 0;
    while (l < local.size() && r < remote.size()) {
        if (l_done == local[l].length) {
            ++l, l_done = 0;
            continue;
        }
        if (r_done == remote[r].length) {
            ++r, r_done = 0;
            continue;
        }
        std::uint64_t at_local = local[l].base + l_done, at_remote = remote[r].base + r_done;
        std::uint64_t chunk = local[l].length - l_done;
        if (remote[r].length - r_done < chunk) chunk = remote[r].length - r_done;
        std::uint64_t local_page_left = mm::kPageSize - at_local % mm::kPageSize;
        std::uint64_t remote_page_left = mm::kPageSize - at_remote % mm::kPageSize;
        if (local_page_left < chunk) chunk = local_page_left;
        if (remote_page_left < chunk) chunk = remote_page_left;
        bool local_ok = mm::process_memory_accessible(current_process(), at_local, chunk, write ? PROT_READ : PROT_WRITE);
        bool remote_ok = mm::process_memory_accessible(target, at_remote, chunk, write ? PROT_WRITE : PROT_READ);
        if (!local_ok || !remote_ok) break;
        auto* local_pointer = reinterpret_cast<void*>(at_local);
        auto* remote_pointer = reinterpret_cast<void*>(at_remote);
        long failed = write ? cella_user_copy(remote_pointer, local_pointer, chunk)
                            : cella_user_copy(local_pointer, remote_pointer, chunk);
        if (failed) break;
        moved += chunk;
        l_done += chunk;
        r_done += chunk;
    }
    if (moved == 0 && l < local.size() && r < remote.size()) return Error::from_errno(EFAULT);
    return static_cast<long>(moved);
}

Result<long> process_vm(SyscallArgs& a, bool write) {
    if (a.arg[5] != 0) return Error::from_errno(EINVAL);
    base::Vector<IoVec> local = TRY(read_iovecs(a.address(1), a.size(2)));
    base::Vector<IoVec> remote = TRY(read_iovecs(a.address(3), a.size(4)));
    std::uint64_t total = 0;
    for (const IoVec& v : local) {
        if (v.length > static_cast<std::uint64_t>(INT64_MAX) - total) return Error::from_errno(EINVAL);
        total += v.length;
    }
    RefPtr<Process> target = process::process_table().find_process(a.integer(0));
    if (!target) return Error::from_errno(ESRCH);
    if (target->run_state == process::RunState::Zombie) return Error::from_errno(ESRCH);  // no memory left
    return transfer(*target, local, remote, write);
}

Result<long> sys_process_vm_readv(SyscallArgs& a) { return process_vm(a, false); }
Result<long> sys_process_vm_writev(SyscallArgs& a) { return process_vm(a, true); }

// kcmp: whether two tasks share a resource. Linux orders the kernel
// objects by obfuscated address: 0 same, 1 less, 2 greater.
long order(const void* first, const void* second) {
    auto x = reinterpret_cast<std::uintptr_t>(first), y = reinterpret_cast<std::uintptr_t>(second);
    return (x < y ? 1 : 0) | (x > y ? 2 : 0);
}

Result<RefPtr<Process>> process_of_task(int tid) {
    process::ProcessTable& table = process::process_table();
    base::ScopedLock guard(table.lock());
    process::Thread* thread = table.find_thread(tid);
    if (!thread) return Error::from_errno(ESRCH);
    return RefPtr<Process>(&thread->process());
}

Result<long> sys_kcmp(SyscallArgs& a) {
    constexpr int kFile = 0, kVm = 1, kFiles = 2, kFs = 3, kSighand = 4, kIo = 5, kSysvsem = 6, kEpollTfd = 7;
    RefPtr<Process> first = TRY(process_of_task(a.integer(0)));
    RefPtr<Process> second = TRY(process_of_task(a.integer(1)));
    switch (a.integer(2)) {
    case kFile: {
        RefPtr<fs::OpenFile> one = TRY(first->fds().get(a.integer(3)));
        RefPtr<fs::OpenFile> other = TRY(second->fds().get(a.integer(4)));
        return order(one.get(), other.get());
    }
    case kVm: {
        // A vfork child runs on its parent's memory until it execs.
        std::uintptr_t one = static_cast<std::uintptr_t>(first->memory_owner());
        std::uintptr_t other = static_cast<std::uintptr_t>(second->memory_owner());
        return (one < other ? 1 : 0) | (one > other ? 2 : 0);
    }
    // Each process has its own fd table, cwd and umask, signal actions and
    // I/O context; its threads share them.
    case kFiles:
    case kFs:
    case kSighand:
    case kIo: return order(first.get(), second.get());
    // Neither SEM_UNDO lists nor epoll target lookups are kept per task:
    // answered as a kernel without SysV IPC or epoll answers.
    case kSysvsem:
    case kEpollTfd: return Error::from_errno(EOPNOTSUPP);
    default: return Error::from_errno(EINVAL);
    }
}

// madvise on a process named by a pidfd: any advice for the caller itself
// (Linux 6.13 and later), only the hints that change no contents (WILLNEED,
// COLD, PAGEOUT, COLLAPSE) for another. Returns the bytes advised, those
// before a range that failed included.
Result<long> sys_process_madvise(SyscallArgs& a) {
    constexpr int kWillNeed = 3, kCold = 20, kPageOut = 21, kCollapse = 25;
    if (a.arg[4] != 0) return Error::from_errno(EINVAL);
    IovecList vectors;
    TRY(vectors.import(a.address(1), a.size(2)));
    RefPtr<process::PidFdFile> pidfd = TRY(process::pidfd_of(current_process(), a.fd(0)));
    Process& target = pidfd->process();
    int advice = a.integer(3);
    if (&target != &current_process() && advice != kWillNeed && advice != kCold && advice != kPageOut &&
        advice != kCollapse)
        return Error::from_errno(EINVAL);
    if (pidfd->process_exited()) return Error::from_errno(ESRCH);
    std::uint64_t advised = 0;
    for (const Iovec& range : vectors.items()) {
        if (auto done = mm::advise(target, range.base, range.length, advice); done.is_error())
            return advised ? static_cast<long>(advised) : Result<long>(done.error());
        advised += range.length;
    }
    return static_cast<long>(advised);
}

// Frees a dying process's memory early: here it goes when the process
// ends anyway, so only Linux's answers remain (EINVAL for a live one).
Result<long> sys_process_mrelease(SyscallArgs& a) {
    if (a.arg[1] != 0) return Error::from_errno(EINVAL);
    RefPtr<process::PidFdFile> pidfd = TRY(process::pidfd_of(current_process(), a.fd(0)));
    // A zombie has no memory left to release (Linux: no task with an mm).
    if (!pidfd->process_exists() || pidfd->process_exited()) return Error::from_errno(ESRCH);
    if (__atomic_load_n(&pidfd->process().exiting, __ATOMIC_ACQUIRE)) return 0;
    return Error::from_errno(EINVAL);
}

constexpr SyscallSpec kSpecs[] = {
    {__NR_process_madvise, sys_process_madvise, "dpudx"},
    {__NR_process_mrelease, sys_process_mrelease, "dx"},
    {__NR_pidfd_open, sys_pidfd_open, "dx"},
    {__NR_pidfd_getfd, sys_pidfd_getfd, "ddx"},
    {__NR_process_vm_readv, sys_process_vm_readv, "dpupux"},
    {__NR_process_vm_writev, sys_process_vm_writev, "dpupux"},
    {__NR_kcmp, sys_kcmp, "dddxx"},
};

}  // namespace

std::span<const SyscallSpec> process_access_syscalls() { return kSpecs; }

}  // namespace cella::syscall
