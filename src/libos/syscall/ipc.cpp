// Pipes, eventfd, and waiting for readiness: poll, select, epoll.
#include <asm-generic/errno.h>
#include <asm/unistd.h>
#include <linux/fcntl.h>

#include "libos/ipc/epoll.h"
#include "libos/ipc/eventfd.h"
#include "libos/ipc/pipe.h"
#include "libos/ipc/poll.h"
#include "libos/mm/user_memory.h"
#include "libos/process/current.h"
#include "libos/process/signals.h"
#include "fs_args.h"
#include "syscall.h"
#include "temporary_mask.h"

namespace cella::syscall {
namespace {

using base::RefPtr;
using process::current_process;
using process::current_thread;

constexpr std::int64_t kNs = 1000000000;
constexpr int kMaxPollFds = 1024;  // RLIMIT_NOFILE

struct Timespec {
    std::int64_t seconds;
    std::int64_t nanoseconds;
};

Result<long> make_pipe(std::uint64_t fds_address, int flags) {
    if (flags & ~(O_NONBLOCK | O_CLOEXEC)) return Error::from_errno(EINVAL);  // O_DIRECT packets: not yet
    TRY(mm::user_writable(fds_address, 2 * sizeof(int)));
    RefPtr<fs::OpenFile> read_end, write_end;
    TRY(ipc::make_pipe(flags, read_end, write_end));
    return install_pair(read_end, write_end, flags & O_CLOEXEC, fds_address);
}

}  // namespace

Result<long> install_pair(RefPtr<fs::OpenFile> first, RefPtr<fs::OpenFile> second, bool cloexec,
                          std::uint64_t address) {
    fs::FdTable& fds = current_process().fds();
    int first_fd = TRY(fds.install(first, cloexec));
    auto second_fd = fds.install(second, cloexec);
    if (second_fd.is_error()) {
        (void)fds.close(first_fd);
        return second_fd.error();
    }
    int pair[2] = {first_fd, second_fd.value()};
    auto stored = mm::copy_to_user(address, pair, sizeof pair);
    if (stored.is_error()) {
        (void)fds.close(pair[0]);
        (void)fds.close(pair[1]);
        return stored.error();
    }
    return 0;
}

namespace {

Result<long> sys_pipe(SyscallArgs& a) { return make_pipe(a.address(0), 0); }
Result<long> sys_pipe2(SyscallArgs& a) { return make_pipe(a.address(0), a.integer(1)); }

Result<long> make_eventfd(unsigned initial, int flags) {
    constexpr int kSemaphore = 1;
    if (flags & ~(kSemaphore | O_NONBLOCK | O_CLOEXEC)) return Error::from_errno(EINVAL);
    auto file = TRY(base::make_ref<ipc::EventFd>(initial, flags & kSemaphore, O_RDWR | (flags & O_NONBLOCK)));
    TRY(file->set_path("anon_inode:[eventfd]"));
    return TRY(current_process().fds().install(RefPtr<fs::OpenFile>(file.get()), flags & O_CLOEXEC));
}

Result<long> sys_eventfd(SyscallArgs& a) { return make_eventfd(static_cast<unsigned>(a.arg[0]), 0); }
Result<long> sys_eventfd2(SyscallArgs& a) { return make_eventfd(static_cast<unsigned>(a.arg[0]), a.integer(1)); }

struct PollFd {
    int fd;
    short events;
    short revents;
};

Result<long> do_poll(std::uint64_t fds_address, std::uint64_t count, std::int64_t timeout_ns, TemporaryMask* mask) {
    if (count > kMaxPollFds) return Error::from_errno(EINVAL);
    base::Vector<PollFd> raw;
    TRY(raw.try_resize(count));
    if (count) TRY(mm::copy_from_user(raw.data(), fds_address, count * sizeof(PollFd)));
    base::Vector<ipc::PollItem> items;
    TRY(items.try_reserve(count));
    for (PollFd& entry : raw) {
        ipc::PollItem item;
        item.events = static_cast<std::uint16_t>(entry.events);
        if (entry.fd >= 0) item.file = current_process().fds().get(entry.fd).value_or(nullptr);
        else item.events = 0;  // negative fds are skipped
        TRY(items.try_append(static_cast<ipc::PollItem&&>(item)));
    }
    auto ready = ipc::poll_files(items.span(), timeout_ns);
    if (mask && ready.is_error() && ready.error().code() == process::kRestartNoHand) mask->keep_for_handler();
    if (ready.is_error()) return ready.error();
    for (std::size_t i = 0; i < count; ++i)
        raw[i].revents = raw[i].fd < 0 ? 0 : static_cast<short>(items[i].revents);
    if (count) TRY(mm::copy_to_user(fds_address, raw.data(), count * sizeof(PollFd)));
    return ready.value();
}

Result<long> sys_poll(SyscallArgs& a) {
    int timeout_ms = a.integer(2);
    return do_poll(a.address(0), a.size(1), timeout_ms < 0 ? -1 : std::int64_t{timeout_ms} * 1000000, nullptr);
}

Result<std::int64_t> timeout_of(std::uint64_t address) {
    if (!address) return std::int64_t{-1};
    Timespec t = TRY(mm::read_user<Timespec>(address));
    if (t.seconds < 0 || t.nanoseconds < 0 || t.nanoseconds >= kNs) return Error::from_errno(EINVAL);
    return t.seconds * kNs + t.nanoseconds;
}

Result<long> sys_ppoll(SyscallArgs& a) {
    std::int64_t timeout = TRY(timeout_of(a.address(2)));
    TemporaryMask mask(a.address(3), a.size(4));
    if (mask.error()) return Error::from_errno(mask.error());
    return do_poll(a.address(0), a.size(1), timeout, &mask);
}

// select(): fd_set bitmaps turned into poll items and back.
Result<long> do_select(int nfds, std::uint64_t read_set, std::uint64_t write_set, std::uint64_t except_set,
                       std::int64_t timeout_ns, TemporaryMask* mask) {
    if (nfds < 0 || nfds > kMaxPollFds) return Error::from_errno(EINVAL);
    constexpr int kWords = kMaxPollFds / 64;
    std::uint64_t sets[3][kWords] = {};
    std::uint64_t addresses[3] = {read_set, write_set, except_set};
    std::size_t bytes = (static_cast<std::size_t>(nfds) + 63) / 64 * 8;
    for (int s = 0; s < 3; ++s)
        if (addresses[s] && bytes) TRY(mm::copy_from_user(sets[s], addresses[s], bytes));
    base::Vector<ipc::PollItem> items;
    base::Vector<int> fds;
    for (int fd = 0; fd < nfds; ++fd) {
        std::uint64_t bit = std::uint64_t{1} << (fd % 64);
        bool r = sets[0][fd / 64] & bit, w = sets[1][fd / 64] & bit, x = sets[2][fd / 64] & bit;
        if (!r && !w && !x) continue;
        ipc::PollItem item;
        auto file = current_process().fds().get(fd);
        if (file.is_error()) return Error::from_errno(EBADF);
        item.file = file.release_value();
        item.events = (r ? ipc::kPollIn | ipc::kPollHup | ipc::kPollErr : 0) | (w ? ipc::kPollOut | ipc::kPollErr : 0) |
                      (x ? ipc::kPollPri : 0);
        TRY(items.try_append(static_cast<ipc::PollItem&&>(item)));
        TRY(fds.try_append(fd));
    }
    auto ready = ipc::poll_files(items.span(), timeout_ns);
    if (mask && ready.is_error() && ready.error().code() == process::kRestartNoHand) mask->keep_for_handler();
    if (ready.is_error()) return ready.error();
    std::uint64_t out[3][kWords] = {};
    int count = 0;
    for (std::size_t i = 0; i < items.size(); ++i) {
        int fd = fds[i];
        std::uint64_t bit = std::uint64_t{1} << (fd % 64);
        std::uint32_t rev = items[i].revents;
        if ((sets[0][fd / 64] & bit) && (rev & (ipc::kPollIn | ipc::kPollHup | ipc::kPollErr))) out[0][fd / 64] |= bit, ++count;
        if ((sets[1][fd / 64] & bit) && (rev & (ipc::kPollOut | ipc::kPollErr))) out[1][fd / 64] |= bit, ++count;
        if ((sets[2][fd / 64] & bit) && (rev & ipc::kPollPri)) out[2][fd / 64] |= bit, ++count;
    }
    for (int s = 0; s < 3; ++s)
        if (addresses[s] && bytes) TRY(mm::copy_to_user(addresses[s], out[s], bytes));
    return count;
}

Result<long> sys_select(SyscallArgs& a) {
    std::int64_t timeout = -1;
    if (a.address(4)) {
        struct {
            std::int64_t seconds, microseconds;
        } tv = TRY(mm::read_user<decltype(tv)>(a.address(4)));
        if (tv.seconds < 0 || tv.microseconds < 0) return Error::from_errno(EINVAL);
        timeout = tv.seconds * kNs + tv.microseconds * 1000;
    }
    return do_select(a.integer(0), a.address(1), a.address(2), a.address(3), timeout, nullptr);
}

Result<long> sys_pselect6(SyscallArgs& a) {
    std::int64_t timeout = TRY(timeout_of(a.address(4)));
    // The sixth argument points at {const sigset_t* mask; size_t size}.
    struct {
        std::uint64_t mask;
        std::uint64_t size;
    } sigmask{};
    if (a.address(5)) sigmask = TRY(mm::read_user<decltype(sigmask)>(a.address(5)));
    TemporaryMask mask(sigmask.mask, sigmask.size);
    if (mask.error()) return Error::from_errno(mask.error());
    return do_select(a.integer(0), a.address(1), a.address(2), a.address(3), timeout, &mask);
}

Result<long> make_epoll(int flags) {
    if (flags & ~O_CLOEXEC) return Error::from_errno(EINVAL);
    auto file = TRY(base::make_ref<ipc::EpollFile>(O_RDWR));
    TRY(file->set_path("anon_inode:[eventpoll]"));
    return TRY(current_process().fds().install(RefPtr<fs::OpenFile>(file.get()), flags & O_CLOEXEC));
}

Result<long> sys_epoll_create(SyscallArgs& a) {
    if (a.integer(0) <= 0) return Error::from_errno(EINVAL);
    return make_epoll(0);
}
Result<long> sys_epoll_create1(SyscallArgs& a) { return make_epoll(a.integer(0)); }

// An epoll fd's open file, or EINVAL when the fd is something else.
Result<ipc::EpollFile*> epoll_of(int fd, RefPtr<fs::OpenFile>& keep) {
    keep = TRY(current_process().fds().get(fd));
    if (keep->kind() != fs::FileKind::Epoll) return Error::from_errno(EINVAL);
    return static_cast<ipc::EpollFile*>(keep.get());
}

Result<long> sys_epoll_ctl(SyscallArgs& a) {
    RefPtr<fs::OpenFile> keep;
    ipc::EpollFile* epoll = TRY(epoll_of(a.fd(0), keep));
    RefPtr<fs::OpenFile> target = TRY(current_process().fds().get(a.fd(2)));
    if (target->inode() && target->inode()->is_regular()) return Error::from_errno(EPERM);  // as Linux
    ipc::EpollEvent event{};
    int op = a.integer(1);
    if (op != 2 /* EPOLL_CTL_DEL */) event = TRY(mm::read_user<ipc::EpollEvent>(a.address(3)));
    TRY(epoll->control(op, a.fd(2), target, &event));
    return 0;
}

Result<long> epoll_wait_common(SyscallArgs& a, std::int64_t timeout_ns, TemporaryMask* mask) {
    RefPtr<fs::OpenFile> keep;
    ipc::EpollFile* epoll = TRY(epoll_of(a.fd(0), keep));
    auto count = epoll->wait(a.address(1), a.integer(2), timeout_ns);
    if (mask && count.is_error() && count.error().code() == EINTR) mask->keep_for_handler();
    return static_cast<long>(TRY(static_cast<Result<int>&&>(count)));
}

Result<long> sys_epoll_wait(SyscallArgs& a) {
    int timeout_ms = a.integer(3);
    return epoll_wait_common(a, timeout_ms < 0 ? -1 : std::int64_t{timeout_ms} * 1000000, nullptr);
}

Result<long> sys_epoll_pwait(SyscallArgs& a) {
    int timeout_ms = a.integer(3);
    TemporaryMask mask(a.address(4), a.size(5));
    if (mask.error()) return Error::from_errno(mask.error());
    return epoll_wait_common(a, timeout_ms < 0 ? -1 : std::int64_t{timeout_ms} * 1000000, &mask);
}

Result<long> sys_epoll_pwait2(SyscallArgs& a) {
    std::int64_t timeout = TRY(timeout_of(a.address(3)));
    TemporaryMask mask(a.address(4), a.size(5));
    if (mask.error()) return Error::from_errno(mask.error());
    return epoll_wait_common(a, timeout, &mask);
}

constexpr SyscallSpec kSpecs[] = {
    {__NR_pipe, sys_pipe, "p"},
    {__NR_pipe2, sys_pipe2, "px"},
    {__NR_eventfd, sys_eventfd, "u"},
    {__NR_eventfd2, sys_eventfd2, "ux"},
    {__NR_poll, sys_poll, "pud"},
    {__NR_ppoll, sys_ppoll, "pupp"},
    {__NR_select, sys_select, "dpppp"},
    {__NR_pselect6, sys_pselect6, "dppppp"},
    {__NR_epoll_create, sys_epoll_create, "d"},
    {__NR_epoll_create1, sys_epoll_create1, "x"},
    {__NR_epoll_ctl, sys_epoll_ctl, "dddp"},
    {__NR_epoll_wait, sys_epoll_wait, "dpdd"},
    {__NR_epoll_pwait, sys_epoll_pwait, "dpddpu"},
    {__NR_epoll_pwait2, sys_epoll_pwait2, "dpdppu"},
};

}  // namespace

std::span<const SyscallSpec> ipc_syscalls() { return kSpecs; }

}  // namespace cella::syscall
