#include "async_signals.h"

#include <asm/signal.h>

#include "libos/fs/open_file.h"
#include "libos/process/process_table.h"
#include "libos/process/signals.h"

namespace cella::ipc {

base::Result<void> AsyncSubscribers::subscribe(fs::OpenFile& file, int fd) {
    base::ScopedLock guard(lock_);
    for (Entry& entry : entries_) {
        if (entry.file == &file) {
            entry.fd = fd;
            return {};
        }
    }
    TRY(entries_.try_append(Entry{&file, fd}));
    __atomic_store_n(&count_, static_cast<int>(entries_.size()), __ATOMIC_RELAXED);
    return {};
}

void AsyncSubscribers::unsubscribe(fs::OpenFile& file) {
    base::ScopedLock guard(lock_);
    for (std::size_t i = 0; i < entries_.size(); ++i) {
        if (entries_[i].file == &file) {
            entries_.remove(i);
            break;
        }
    }
    __atomic_store_n(&count_, static_cast<int>(entries_.size()), __ATOMIC_RELAXED);
}

void AsyncSubscribers::signal(IoReason reason) {
    if (empty()) return;
    // The owners are copied under the lock (which keeps each file alive)
    // and signalled after it: sending takes process locks.
    struct Target {
        fs::AsyncOwner owner;
        int fd;
    };
    Target targets[16];
    std::size_t count = 0;
    {
        base::ScopedLock guard(lock_);
        for (Entry& entry : entries_)
            if (count < sizeof targets / sizeof targets[0]) targets[count++] = {entry.file->async_owner(), entry.fd};
    }
    for (std::size_t i = 0; i < count; ++i) send_io_signal(targets[i].owner, targets[i].fd, reason);
}

namespace {

// POLL* bits of si_band for each reason (Linux's band_table).
long band_of(IoReason reason) {
    switch (reason) {
    case IoReason::In: return 0x1 | 0x40;           // POLLIN | POLLRDNORM
    case IoReason::Out: return 0x4 | 0x100 | 0x200;  // POLLOUT | POLLWRNORM | POLLWRBAND
    case IoReason::Message: return 0x1 | 0x40 | 0x400;  // POLLIN | POLLRDNORM | POLLMSG
    case IoReason::Error: return 0x8;                // POLLERR
    case IoReason::Priority: return 0x2 | 0x80;      // POLLPRI | POLLRDBAND
    case IoReason::HangUp: return 0x10 | 0x8;        // POLLHUP | POLLERR
    }
    return 0;
}

}  // namespace

void send_io_signal(const fs::AsyncOwner& owner, int fd, IoReason reason) {
    if (owner.id == 0) return;
    process::AppSiginfo info;
    if (owner.signal == 0) {
        info = process::make_siginfo(SIGIO, process::kSiKernel);
    } else {
        info = process::make_siginfo(owner.signal, static_cast<int>(reason));
        info.put<long>(16, band_of(reason));
        info.put<int>(24, fd);
    }
    process::ProcessTable& table = process::process_table();
    if (owner.type == fs::OwnerType::Thread) {
        base::ScopedLock guard(table.lock());
        if (process::Thread* thread = table.find_thread(owner.id)) (void)process::send_to_thread(*thread, info);
        return;
    }
    base::Vector<base::RefPtr<process::Process>> targets;
    if (owner.type == fs::OwnerType::Process) {
        if (base::RefPtr<process::Process> target = table.find_process(owner.id)) (void)targets.try_append(target);
    } else {
        table.for_each_process([&](process::Process& process) {
            if (process.pgid == owner.id) (void)targets.try_append(base::RefPtr<process::Process>(&process));
        });
    }
    for (base::RefPtr<process::Process>& target : targets)
        if (target->run_state != process::RunState::Zombie) (void)process::send_to_process(*target, info);
}

}  // namespace cella::ipc
