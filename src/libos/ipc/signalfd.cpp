#include "signalfd.h"

#include <asm-generic/errno.h>
#include <asm/signal.h>
#include <linux/fcntl.h>

#include <cstring>

#include "anon_inode.h"
#include "libos/mm/user_memory.h"
#include "libos/process/current.h"
#include "libos/process/signals.h"

namespace cella::ipc {
namespace {

using base::Error;
using process::AppSiginfo;

// struct signalfd_siginfo.
struct SignalfdSiginfo {
    std::uint32_t signo;
    std::int32_t error;
    std::int32_t code;
    std::uint32_t pid;
    std::uint32_t uid;
    std::int32_t fd;
    std::uint32_t tid;
    std::uint32_t band;
    std::uint32_t overrun;
    std::uint32_t trapno;
    std::int32_t status;
    std::int32_t integer;
    std::uint64_t pointer;
    std::uint64_t utime;
    std::uint64_t stime;
    std::uint64_t address;
    std::uint16_t address_lsb;
    std::uint16_t pad2;
    std::int32_t syscall;
    std::uint64_t call_address;
    std::uint32_t arch;
    std::uint8_t pad[28];
};
static_assert(sizeof(SignalfdSiginfo) == 128);

constexpr int kSiTimer = -2, kSiSigio = -5;

// Linux's signalfd_copyinfo: the fields of the siginfo's layout.
SignalfdSiginfo record_of(const AppSiginfo& info) {
    SignalfdSiginfo out{};
    out.signo = static_cast<std::uint32_t>(info.signo);
    out.error = info.error;
    out.code = info.code;
    bool by_signal = info.code > process::kSiUser && info.code < process::kSiKernel;
    if (by_signal && (info.signo == SIGILL || info.signo == SIGFPE || info.signo == SIGSEGV || info.signo == SIGBUS ||
                      info.signo == SIGTRAP)) {
        out.address = info.get<std::uint64_t>(16);
    } else if (by_signal && info.signo == SIGCHLD) {
        out.pid = info.get<std::uint32_t>(16);
        out.uid = info.get<std::uint32_t>(20);
        out.status = info.get<std::int32_t>(24);
        out.utime = info.get<std::uint64_t>(32);
        out.stime = info.get<std::uint64_t>(40);
    } else if ((by_signal && info.signo == SIGIO) || info.code == kSiSigio) {
        out.band = static_cast<std::uint32_t>(info.get<std::int64_t>(16));
        out.fd = info.get<std::int32_t>(24);
    } else if (by_signal && info.signo == SIGSYS) {
        out.call_address = info.get<std::uint64_t>(16);
        out.syscall = info.get<std::int32_t>(24);
        out.arch = info.get<std::uint32_t>(28);
    } else if (info.code == kSiTimer) {
        out.tid = info.get<std::uint32_t>(16);
        out.overrun = info.get<std::uint32_t>(20);
        out.integer = info.get<std::int32_t>(24);
        out.pointer = info.get<std::uint64_t>(24);
    } else if (info.code < 0) {
        out.pid = info.get<std::uint32_t>(16);
        out.uid = info.get<std::uint32_t>(20);
        out.integer = info.get<std::int32_t>(24);
        out.pointer = info.get<std::uint64_t>(24);
    } else {
        out.pid = info.get<std::uint32_t>(16);
        out.uid = info.get<std::uint32_t>(20);
    }
    return out;
}

constexpr std::uint64_t kUnblockable = process::signal_bit(SIGKILL) | process::signal_bit(SIGSTOP);

}  // namespace

void SignalFd::set_mask(std::uint64_t mask) { __atomic_store_n(&mask_, mask & ~kUnblockable, __ATOMIC_RELAXED); }

base::Result<std::size_t> SignalFd::read(std::span<std::uint8_t> out) {
    constexpr std::size_t kRecord = sizeof(SignalfdSiginfo);
    if (out.size() < kRecord) return Error::from_errno(EINVAL);
    process::Thread& thread = process::current_thread();
    Waiter waiter;
    waiter.watch(thread.process().signal_arrivals);
    while (true) {
        std::size_t done = 0;
        AppSiginfo info;
        while (done + kRecord <= out.size() && process::take_signal(thread, mask(), info)) {
            SignalfdSiginfo record = record_of(info);
            if (auto copied = mm::copy_to_user(reinterpret_cast<std::uint64_t>(out.data() + done), &record, kRecord);
                copied.is_error()) {
                // Linux loses the signal taken too; report what was read.
                if (done) return done;
                return copied.error();
            }
            done += kRecord;
            // Only the first read waits; the rest take what is there.
        }
        if (done) return done;
        if (flags() & O_NONBLOCK) return Error::from_errno(EAGAIN);
        if (waiter.wait(-1) == WaitResult::Interrupted) return Error::from_errno(static_cast<int>(process::kRestartSys));
    }
}

base::Result<fs::FileStat> SignalFd::stat() { return anon_inode_stat(); }

std::uint32_t SignalFd::poll_events() {
    return (process::pending_signals(process::current_thread()) & mask()) ? 0x1 | 0x40 : 0;  // POLLIN | POLLRDNORM
}

Waitable* SignalFd::waitable() { return &process::current_process().signal_arrivals; }

}  // namespace cella::ipc
