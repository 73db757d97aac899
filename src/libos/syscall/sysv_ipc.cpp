// System V IPC (semaphores, message queues, shared memory) and POSIX
// message queues.
#include <asm-generic/errno.h>
#include <asm/unistd.h>
#include <linux/fcntl.h>
#include <linux/sem.h>

#include "libos/ipc/mqueue/mqueue.h"
#include "libos/ipc/sysv/msg.h"
#include "libos/ipc/sysv/sem.h"
#include "libos/ipc/sysv/shm.h"
#include "libos/mm/user_memory.h"
#include "libos/net/host_socket.h"
#include "libos/process/current.h"
#include "syscall.h"

namespace cella::syscall {
namespace {

constexpr std::int64_t kNs = 1000000000;

Result<long> sys_semget(SyscallArgs& a) { return TRY(ipc::sysv::sem_get(a.integer(0), a.integer(1), a.integer(2))); }

Result<long> semtimedop_common(SyscallArgs& a, std::uint64_t timeout_address) {
    std::uint64_t count = a.size(2);
    if (count < 1 || a.integer(0) < 0) return Error::from_errno(EINVAL);
    if (count > SEMOPM) return Error::from_errno(E2BIG);
    base::Vector<ipc::sysv::SemBuf> ops;
    TRY(ops.try_resize(count));
    TRY(mm::copy_from_user(ops.data(), a.address(1), count * sizeof(ipc::sysv::SemBuf)));
    std::int64_t timeout = -1;
    if (timeout_address) {
        struct {
            std::int64_t seconds, nanoseconds;
        } t = TRY(mm::read_user<decltype(t)>(timeout_address));
        if (t.seconds < 0 || t.nanoseconds < 0 || t.nanoseconds >= kNs) return Error::from_errno(EINVAL);
        timeout = t.seconds > (INT64_MAX - t.nanoseconds) / kNs ? INT64_MAX : t.seconds * kNs + t.nanoseconds;
    }
    TRY(ipc::sysv::sem_op(a.integer(0), ops.span(), timeout));
    return 0;
}

Result<long> sys_semop(SyscallArgs& a) { return semtimedop_common(a, 0); }
Result<long> sys_semtimedop(SyscallArgs& a) { return semtimedop_common(a, a.address(3)); }

Result<long> sys_semctl(SyscallArgs& a) {
    return ipc::sysv::sem_ctl(a.integer(0), a.integer(1), a.integer(2), a.arg[3]);
}

Result<long> sys_msgget(SyscallArgs& a) { return TRY(ipc::sysv::msg_get(a.integer(0), a.integer(1))); }

Result<long> sys_msgsnd(SyscallArgs& a) {
    TRY(ipc::sysv::msg_send(a.integer(0), a.address(1), a.size(2), a.integer(3)));
    return 0;
}

Result<long> sys_msgrcv(SyscallArgs& a) {
    return ipc::sysv::msg_receive(a.integer(0), a.address(1), a.size(2), static_cast<long>(a.arg[3]), a.integer(4));
}

Result<long> sys_msgctl(SyscallArgs& a) { return ipc::sysv::msg_ctl(a.integer(0), a.integer(1), a.address(2)); }

Result<long> sys_shmget(SyscallArgs& a) { return TRY(ipc::sysv::shm_get(a.integer(0), a.size(1), a.integer(2))); }

Result<long> sys_shmat(SyscallArgs& a) {
    return static_cast<long>(TRY(ipc::sysv::shm_attach(a.integer(0), a.address(1), a.integer(2))));
}

Result<long> sys_shmdt(SyscallArgs& a) {
    TRY(ipc::sysv::shm_detach(a.address(0)));
    return 0;
}

Result<long> sys_shmctl(SyscallArgs& a) { return ipc::sysv::shm_ctl(a.integer(0), a.integer(1), a.address(2)); }

// Message queue names as the syscall receives them (no leading '/').
Result<base::String> queue_name(std::uint64_t address) {
    constexpr std::size_t kPathMax = 4096;
    return mm::copy_string_from_user(address, kPathMax);
}

Result<long> sys_mq_open(SyscallArgs& a) {
    base::String name = TRY(queue_name(a.address(0)));
    int flags = a.integer(1);
    ipc::mqueue::Attr attr{};
    bool with_attr = (flags & O_CREAT) && a.address(3);
    if (with_attr) attr = TRY(mm::read_user<ipc::mqueue::Attr>(a.address(3)));
    auto file = TRY(ipc::mqueue::open(name.view(), flags, static_cast<std::uint32_t>(a.arg[2]), with_attr ? &attr : nullptr));
    return TRY(process::current_process().fds().install(file, flags & O_CLOEXEC));
}

Result<long> sys_mq_unlink(SyscallArgs& a) {
    base::String name = TRY(queue_name(a.address(0)));
    TRY(ipc::mqueue::unlink(name.view()));
    return 0;
}

// An absolute CLOCK_REALTIME time, or -1 without one.
Result<std::int64_t> deadline_of(std::uint64_t address) {
    if (!address) return std::int64_t{-1};
    struct {
        std::int64_t seconds, nanoseconds;
    } t = TRY(mm::read_user<decltype(t)>(address));
    if (t.seconds < 0 || t.nanoseconds < 0 || t.nanoseconds >= kNs) return Error::from_errno(EINVAL);
    return t.seconds > (INT64_MAX - t.nanoseconds) / kNs ? INT64_MAX : t.seconds * kNs + t.nanoseconds;
}

Result<long> sys_mq_timedsend(SyscallArgs& a) {
    std::int64_t deadline = TRY(deadline_of(a.address(4)));
    auto file = TRY(process::current_process().fds().get(a.fd(0)));
    TRY(ipc::mqueue::send(*file, a.address(1), a.size(2), static_cast<std::uint32_t>(a.arg[3]), deadline));
    return 0;
}

Result<long> sys_mq_timedreceive(SyscallArgs& a) {
    std::int64_t deadline = TRY(deadline_of(a.address(4)));
    auto file = TRY(process::current_process().fds().get(a.fd(0)));
    return static_cast<long>(TRY(ipc::mqueue::receive(*file, a.address(1), a.size(2), a.address(3), deadline)));
}

Result<long> sys_mq_notify(SyscallArgs& a) {
    auto file = TRY(process::current_process().fds().get(a.fd(0)));
    if (!a.address(1)) {
        TRY(ipc::mqueue::notify(*file, nullptr));
        return 0;
    }
    struct {
        std::uint64_t value;
        int signal;
        int notify;
        int thread_id;
    } event = TRY(mm::read_user<decltype(event)>(a.address(1)));
    constexpr int kSigevSignal = 0, kSigevNone = 1, kSigevThread = 2;
    ipc::mqueue::Notification request{event.notify, event.signal, event.value};
    if (event.notify == kSigevThread) {
        // The kernel side of SIGEV_THREAD: a netlink socket, whose fd is in
        // sigev_signo, gets the cookie sigev_value points to.
        request.socket = TRY(process::current_process().fds().get(event.signal));
        if (request.socket->kind() != fs::FileKind::Socket && !net::as_host_socket(*request.socket))
            return Error::from_errno(ENOTSOCK);
        if (!net::as_host_socket(*request.socket) || net::as_host_socket(*request.socket)->family() != 16)
            return Error::from_errno(ECONNREFUSED);
        TRY(mm::copy_from_user(request.cookie, event.value, sizeof request.cookie));
    } else if (event.notify != kSigevSignal && event.notify != kSigevNone) {
        return Error::from_errno(EINVAL);
    }
    if (event.notify == kSigevSignal && (event.signal < 1 || event.signal > 64)) return Error::from_errno(EINVAL);
    TRY(ipc::mqueue::notify(*file, &request));
    return 0;
}

Result<long> sys_mq_getsetattr(SyscallArgs& a) {
    auto file = TRY(process::current_process().fds().get(a.fd(0)));
    ipc::mqueue::Attr changed{};
    if (a.address(1)) changed = TRY(mm::read_user<ipc::mqueue::Attr>(a.address(1)));
    ipc::mqueue::Attr old = TRY(ipc::mqueue::get_set_attr(*file, a.address(1) ? &changed : nullptr));
    if (a.address(2)) TRY(mm::write_user(a.address(2), old));
    return 0;
}

constexpr SyscallSpec kSpecs[] = {
    {__NR_semget, sys_semget, "xdx"},
    {__NR_semop, sys_semop, "dpu"},
    {__NR_semtimedop, sys_semtimedop, "dpup"},
    {__NR_semctl, sys_semctl, "dddx"},
    {__NR_msgget, sys_msgget, "xx"},
    {__NR_msgsnd, sys_msgsnd, "dpux"},
    {__NR_msgrcv, sys_msgrcv, "dpulx"},
    {__NR_msgctl, sys_msgctl, "ddp"},
    {__NR_shmget, sys_shmget, "xux"},
    {__NR_shmat, sys_shmat, "dpx"},
    {__NR_shmdt, sys_shmdt, "p"},
    {__NR_shmctl, sys_shmctl, "ddp"},
    {__NR_mq_open, sys_mq_open, "sOop"},
    {__NR_mq_unlink, sys_mq_unlink, "s"},
    {__NR_mq_timedsend, sys_mq_timedsend, "dpuup"},
    {__NR_mq_timedreceive, sys_mq_timedreceive, "dpupp"},
    {__NR_mq_notify, sys_mq_notify, "dp"},
    {__NR_mq_getsetattr, sys_mq_getsetattr, "dpp"},
};

}  // namespace

std::span<const SyscallSpec> sysv_ipc_syscalls() { return kSpecs; }

}  // namespace cella::syscall
