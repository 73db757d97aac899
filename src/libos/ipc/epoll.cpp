#include "epoll.h"

#include <asm-generic/errno.h>

#include "libos/base/global.h"
#include "libos/host/host.h"
#include "anon_inode.h"
#include "libos/mm/user_memory.h"
#include "libos/process/signals.h"
#include "poll.h"

namespace cella::ipc {
namespace {

using base::Error;

constexpr int kCtlAdd = 1, kCtlDel = 2, kCtlMod = 3;
constexpr std::uint32_t kEpollEt = 1u << 31, kEpollOneshot = 1u << 30, kEpollExclusive = 1u << 28;
constexpr int kBatch = 64;

// Every epoll instance, for forget_closed_file. Taken before an
// instance's own lock.
base::Mutex g_instances_lock;
base::Global<base::IntrusiveList<EpollFile>> g_instances;
unsigned g_instance_count = 0;  // read without the lock: none means nothing to forget

// The lock is held.
base::IntrusiveList<EpollFile>& instances() {
    if (!g_instances.is_constructed()) g_instances.construct();
    return g_instances.get();
}

}  // namespace

EpollFile::EpollFile(int flags) : OpenFile(flags) {
    base::ScopedLock guard(g_instances_lock);
    instances().push_back(*this);
    __atomic_add_fetch(&g_instance_count, 1, __ATOMIC_RELAXED);
}

EpollFile::~EpollFile() {
    {
        base::ScopedLock guard(g_instances_lock);
        base::IntrusiveList<EpollFile>::remove(*this);
        __atomic_sub_fetch(&g_instance_count, 1, __ATOMIC_RELAXED);
    }
    // The entries' files are released here, with no lock held.
    base::Vector<Interest> gone = static_cast<base::Vector<Interest>&&>(interests_);
    if (host_epoll_ >= 0) host::close(host_epoll_);
}

bool EpollFile::mirror(Interest& interest, int op) {
    int fd = interest.file->host_fd();
    if (fd < 0 || interest.file->waitable()) return false;
    if (host_epoll_ < 0) {
        auto opened = host::epoll_open();
        if (opened.is_error()) return false;
        host_epoll_ = opened.value();
    }
    if (op == kCtlAdd) interest.key = next_key_++;
    if (host::epoll_control(host_epoll_, op, fd, interest.events, interest.key).is_error()) return false;
    if (op == kCtlAdd) ++host_entries_;
    return true;
}

void EpollFile::unmirror(int host_fd) {
    (void)host::epoll_control(host_epoll_, kCtlDel, host_fd, 0, 0);
    --host_entries_;
}

unsigned EpollFile::count_watching(const fs::OpenFile& file) {
    base::ScopedLock guard(lock_);
    unsigned count = 0;
    for (Interest& interest : interests_)
        if (interest.file.get() == &file) ++count;
    return count;
}

void EpollFile::forget(const fs::OpenFile& file, base::Vector<base::RefPtr<fs::OpenFile>>& dropped) {
    bool changed = false;
    {
        base::ScopedLock guard(lock_);
        for (std::size_t i = interests_.size(); i-- > 0;) {
            if (interests_[i].file.get() != &file) continue;
            // Should the list not grow, the entry stays: the file stays open.
            if (dropped.try_append(interests_[i].file).is_error()) continue;
            interests_.remove(i);
            changed = true;
        }
    }
    // A waiter looks again, and lets go of the file.
    if (changed) interests_changed_.notify_all();
}

void forget_closed_file(fs::OpenFile& file, unsigned holders) {
    if (!__atomic_load_n(&g_instance_count, __ATOMIC_RELAXED)) return;
    base::Vector<base::RefPtr<fs::OpenFile>> dropped;  // released after the locks
    base::ScopedLock guard(g_instances_lock);
    unsigned watching = 0;
    for (EpollFile& epoll : instances()) watching += epoll.count_watching(file);
    if (!watching || file.ref_count() != watching + holders) return;
    for (EpollFile& epoll : instances()) epoll.forget(file, dropped);
}

base::Result<void> EpollFile::control(int op, int fd, base::RefPtr<fs::OpenFile> file, const EpollEvent* event) {
    if (file.get() == this) return Error::from_errno(EINVAL);
    base::RefPtr<fs::OpenFile> removed;  // released after the lock
    auto changed = update(op, fd, static_cast<base::RefPtr<fs::OpenFile>&&>(file), event, removed);
    if (!changed.is_error() && op != kCtlDel) interests_changed_.notify_all();
    return changed;
}

base::Result<void> EpollFile::update(int op, int fd, base::RefPtr<fs::OpenFile> file, const EpollEvent* event,
                                     base::RefPtr<fs::OpenFile>& removed) {
    base::ScopedLock guard(lock_);
    std::size_t index = interests_.size();
    for (std::size_t i = 0; i < interests_.size(); ++i)
        if (interests_[i].fd == fd && interests_[i].file == file) index = i;
    bool exists = index < interests_.size();
    switch (op) {
    case kCtlAdd: {
        if (exists) return Error::from_errno(EEXIST);
        Interest added{fd, file, event->events | kPollErr | kPollHup, event->data};
        added.on_host = mirror(added, kCtlAdd);
        auto appended = interests_.try_append(static_cast<Interest&&>(added));
        if (appended.is_error() && added.on_host) unmirror(file->host_fd());
        return appended;
    }
    case kCtlMod: {
        if (!exists) return Error::from_errno(ENOENT);
        if (event->events & kEpollExclusive) return Error::from_errno(EINVAL);
        Interest& interest = interests_[index];
        // Linux refuses to change an exclusive entry.
        if (interest.events & kEpollExclusive) return Error::from_errno(EINVAL);
        interest.events = event->events | kPollErr | kPollHup;
        interest.data = event->data;
        interest.disarmed = false;
        interest.reported_generation = ~std::uint64_t{0};
        if (interest.on_host && !mirror(interest, kCtlMod)) return Error::from_errno(EIO);
        return {};
    }
    case kCtlDel:
        if (!exists) return Error::from_errno(ENOENT);
        if (interests_[index].on_host) unmirror(interests_[index].file->host_fd());
        removed = static_cast<base::RefPtr<fs::OpenFile>&&>(interests_[index].file);
        interests_.remove(index);
        return {};
    default: return Error::from_errno(EINVAL);
    }
}

base::Result<int> EpollFile::collect(std::uint64_t out, int max) {
    base::ScopedLock guard(lock_);
    EpollEvent batch[kBatch];
    int count = 0, pending = 0;
    auto flush = [&]() -> base::Result<void> {
        TRY(mm::copy_to_user(out + static_cast<std::uint64_t>(count - pending) * sizeof(EpollEvent), batch,
                             pending * sizeof(EpollEvent)));
        pending = 0;
        return {};
    };
    // The scan starts after the entry reported last, so that a small
    // maxevents does not starve the entries behind it (Linux moves what it
    // reported to the end of its ready list).
    std::size_t total = interests_.size();
    std::size_t start = next_scan_ < total ? next_scan_ : 0;
    for (std::size_t k = 0; k < total && count < max; ++k) {
        std::size_t index = (start + k) % total;
        Interest& interest = interests_[index];
        if (interest.disarmed || interest.on_host) continue;
        std::uint32_t ready = interest.file->poll_events() & interest.events;
        if (!ready) continue;
        if (interest.events & kEpollEt) {
            Waitable* waitable = interest.file->waitable();
            std::uint64_t generation = waitable ? waitable->generation() : 0;
            if (waitable && generation == interest.reported_generation) continue;
            interest.reported_generation = generation;
        }
        if (interest.events & kEpollOneshot) interest.disarmed = true;
        batch[pending++] = {ready, interest.data};
        ++count;
        next_scan_ = index + 1;
        if (pending == kBatch) TRY(flush());
    }
    // The host mirror's ready entries; the host keeps their order fair.
    while (host_entries_ && count < max) {
        if (pending == kBatch) TRY(flush());
        int room = max - count < kBatch - pending ? max - count : kBatch - pending;
        host::EpollEntry ready[kBatch];
        auto got = host::epoll_ready(host_epoll_, {ready, static_cast<std::size_t>(room)});
        if (got.is_error() || got.value() == 0) break;
        for (int i = 0; i < got.value(); ++i) {
            // The key names the entry; one deleted meanwhile is skipped.
            for (Interest& interest : interests_) {
                if (!interest.on_host || interest.key != ready[i].data) continue;
                batch[pending++] = {ready[i].events & interest.events, interest.data};
                ++count;
                break;
            }
        }
        if (got.value() < room) break;
    }
    if (pending) TRY(flush());
    return count;
}

base::Result<int> EpollFile::wait(std::uint64_t out, int max, std::int64_t timeout_ns) {
    if (max <= 0 || max > (1 << 24)) return Error::from_errno(EINVAL);
    TRY(mm::user_writable(out, static_cast<std::size_t>(max) * sizeof(EpollEvent)));
    // Set when the first wait begins: a call that finds events ready reads
    // no clock (a host call, an enclave exit on SGX).
    std::int64_t deadline = 0;
    while (true) {
        // Registered before the look, so that no change after it is missed;
        // an added or re-armed entry makes the waiter register anew.
        // The files are held while waiting: an entry may go meanwhile.
        fs::OpenFile* files[256];
        std::uint32_t events[256];
        base::RefPtr<fs::OpenFile> held[256];
        std::size_t file_count = 0;
        std::uint64_t generation = interests_changed_.generation();
        bool watch_host = false;
        {
            base::ScopedLock guard(lock_);
            for (Interest& interest : interests_) {
                if (interest.on_host) {
                    watch_host = true;
                    continue;
                }
                if (file_count == 256) break;
                held[file_count] = interest.file;
                events[file_count] = interest.events;
                files[file_count++] = interest.file.get();
            }
        }
        ReadinessWait waiting({files, file_count}, {events, file_count}, &interests_changed_);
        if (watch_host) waiting.watch_host(host_epoll_, kPollIn);
        while (true) {
            int count = TRY(collect(out, max));
            if (count) return count;
            if (timeout_ns == 0) return 0;
            std::int64_t left = -1;
            if (timeout_ns > 0) {
                std::int64_t s = 0, ns = 0;
                (void)host::clock_gettime(1, s, ns);
                if (!deadline) deadline = s * 1000000000 + ns + timeout_ns;
                left = deadline - (s * 1000000000 + ns);
                if (left <= 0) return 0;
            }
            if (interests_changed_.generation() != generation) break;
            if (!waiting.wait(left)) return Error::from_errno(EINTR);
        }
    }
}

base::Result<fs::FileStat> EpollFile::stat() { return anon_inode_stat(); }

std::uint32_t EpollFile::poll_events() {
    base::ScopedLock guard(lock_);
    for (Interest& interest : interests_)
        if (!interest.disarmed && !interest.on_host && (interest.file->poll_events() & interest.events))
            return kPollIn | 0x40;
    if (!host_entries_) return 0;
    host::PollEntry entry{host_epoll_, static_cast<short>(kPollIn), 0};
    auto polled = host::poll({&entry, 1}, 0);
    return !polled.is_error() && polled.value() ? kPollIn | 0x40 : 0;
}

}  // namespace cella::ipc
