#include "inotify.h"

#include <asm-generic/errno.h>
#include <asm/ioctls.h>
#include <linux/fcntl.h>

#include <cstring>

#include "libos/base/global.h"
#include "libos/fs/vfs.h"
#include "libos/ipc/anon_inode.h"
#include "libos/mm/user_memory.h"
#include "libos/process/signals.h"

namespace cella::fs::notify {
namespace {

using base::Error;

constexpr std::size_t kEventHeader = 16;  // struct inotify_event without its name

struct Watch {
    RefPtr<Inode> inode;
    WatchOwner* owner;  // removes its watches before it goes
    int wd;
    std::uint32_t mask;
};

// Every watch in the enclave. Lock order: the registry, then an instance.
base::Mutex g_registry_lock;
base::Global<base::Vector<Watch>> g_watches;
std::uint32_t g_watch_count = 0;  // read without the lock by active()
std::uint32_t g_next_cookie = 0;
std::size_t g_instance_count = 0;

base::Vector<Watch>& watches() {
    if (!g_watches.is_constructed()) g_watches.construct();
    return g_watches.get();
}

void set_count(std::size_t count) { __atomic_store_n(&g_watch_count, static_cast<std::uint32_t>(count), __ATOMIC_RELEASE); }

// Registry lock held. Ends watch `index` with IN_IGNORED.
void end_watch(std::size_t index) {
    Watch& watch = watches()[index];
    watch.owner->queue(watch.wd, kIgnored, 0, {});
    watches().remove(index);
    set_count(watches().size());
}

// Delivers to the watches on `inode`: its own events, or (as_child) those
// of a file in the watched folder, named.
void deliver(Inode& inode, std::uint32_t mask, std::uint32_t cookie, std::string_view name, bool as_child) {
    base::ScopedLock guard(g_registry_lock);
    base::Vector<Watch>& all = watches();
    for (std::size_t i = 0; i < all.size();) {
        Watch& watch = all[i];
        if (watch.inode.get() != &inode || !(watch.mask & mask & kAllEvents) || (as_child && !(mask & kChildEvents))) {
            ++i;
            continue;
        }
        watch.owner->queue(watch.wd, mask, cookie, name);
        if (watch.mask & kOneShot) {
            end_watch(i);
            continue;
        }
        ++i;
    }
}

}  // namespace

bool active() { return __atomic_load_n(&g_watch_count, __ATOMIC_ACQUIRE) != 0; }

std::uint32_t next_cookie() { return __atomic_add_fetch(&g_next_cookie, 1, __ATOMIC_RELAXED); }

void file_event(Inode& inode, std::uint32_t mask, std::string_view path) {
    if (!active()) return;
    if (inode.is_directory()) mask |= kIsDir;
    // The folder's watches hear first, as Linux's fsnotify_parent sends.
    std::size_t slash = path.rfind('/');
    if ((mask & kChildEvents) && slash != std::string_view::npos && slash + 1 < path.size()) {
        std::string_view folder = slash == 0 ? std::string_view("/") : path.substr(0, slash);
        std::string_view name = path.substr(slash + 1);
        auto parent = vfs().resolve("/", folder, true);
        // A name that now names another file (this one was unlinked or
        // moved away) gets nothing, as IN_EXCL_UNLINK asks.
        if (!parent.is_error()) {
            auto child = parent.value().inode->lookup(name);
            if (!child.is_error() && child.value()->same_as(inode))
                deliver(*parent.value().inode, mask, 0, name, true);
        }
    }
    deliver(inode, mask, 0, {}, false);
}

void name_event(Inode& directory, std::uint32_t mask, std::string_view name, bool is_dir, std::uint32_t cookie) {
    if (!active()) return;
    deliver(directory, mask | (is_dir ? kIsDir : 0), cookie, name, false);
}

void link_removed(Inode& inode) {
    if (!active()) return;
    if (!inode.is_directory() && inode.stat().nlink > 0) return;
    deliver(inode, kDeleteSelf | (inode.is_directory() ? kIsDir : 0), 0, {}, false);
    base::ScopedLock guard(g_registry_lock);
    for (std::size_t i = 0; i < watches().size();) {
        if (watches()[i].inode.get() == &inode)
            end_watch(i);
        else
            ++i;
    }
}

std::size_t Inotify::Event::size() const {
    if (name.is_empty()) return kEventHeader;
    return kEventHeader + ((name.size() + 1 + kEventHeader - 1) & ~(kEventHeader - 1));
}

std::size_t instance_count() { return __atomic_load_n(&g_instance_count, __ATOMIC_RELAXED); }

Inotify::Inotify(int flags) : OpenFile(flags) { __atomic_fetch_add(&g_instance_count, 1, __ATOMIC_RELAXED); }

Inotify::~Inotify() {
    __atomic_fetch_sub(&g_instance_count, 1, __ATOMIC_RELAXED);
    remove_watches(*this);
}

void remove_watches(WatchOwner& owner) {
    base::ScopedLock guard(g_registry_lock);
    for (std::size_t i = 0; i < watches().size();) {
        if (watches()[i].owner == &owner)
            watches().remove(i);
        else
            ++i;
    }
    set_count(watches().size());
}

Result<void> set_watch(WatchOwner& owner, RefPtr<Inode> inode, int wd, std::uint32_t mask) {
    base::ScopedLock guard(g_registry_lock);
    for (Watch& watch : watches()) {
        if (watch.owner == &owner && watch.inode.get() == inode.get()) {
            watch.wd = wd;
            watch.mask = mask;
            return {};
        }
    }
    TRY(watches().try_append(Watch{static_cast<RefPtr<Inode>&&>(inode), &owner, wd, mask}));
    set_count(watches().size());
    return {};
}

void Inotify::queue(int wd, std::uint32_t mask, std::uint32_t cookie, std::string_view name) {
    {
        base::ScopedLock guard(lock_);
        if (!events_.is_empty()) {
            const Event& last = events_.last();
            if (last.wd == wd && last.mask == mask && last.cookie == cookie && last.name == name) return;
            if (last.mask == kQueueOverflow) return;
        }
        bool overflow = events_.size() >= kMaxQueuedEvents - 1;
        Event event{overflow ? -1 : wd, overflow ? kQueueOverflow : mask, overflow ? 0 : cookie, {}};
        if (!overflow) {
            auto copy = base::String::from(name);
            if (copy.is_error()) {
                event = Event{-1, kQueueOverflow, 0, {}};
            } else {
                event.name = copy.release_value();
            }
        }
        std::size_t size = event.size();
        if (events_.try_append(static_cast<Event&&>(event)).is_error()) return;
        queued_bytes_ += size;
    }
    changed_.notify_all();
}

Result<std::size_t> Inotify::read(std::span<std::uint8_t> out) {
    ipc::Waiter waiter;
    waiter.watch(changed_);
    while (true) {
        {
            base::ScopedLock guard(lock_);
            if (!events_.is_empty()) {
                std::size_t written = 0, taken = 0;
                for (; taken < events_.size(); ++taken) {
                    const Event& event = events_[taken];
                    std::size_t size = event.size();
                    if (out.size() - written < size) break;
                    std::uint8_t record[kEventHeader] = {};
                    std::uint32_t length = static_cast<std::uint32_t>(size - kEventHeader);
                    std::memcpy(record, &event.wd, 4);
                    std::memcpy(record + 4, &event.mask, 4);
                    std::memcpy(record + 8, &event.cookie, 4);
                    std::memcpy(record + 12, &length, 4);
                    TRY(mm::copy_to_user(reinterpret_cast<std::uint64_t>(out.data() + written), record, kEventHeader));
                    if (length) {
                        base::Vector<char> name;
                        TRY(name.try_resize(length));
                        std::memset(name.data(), 0, length);
                        std::memcpy(name.data(), event.name.c_str(), event.name.size());
                        TRY(mm::copy_to_user(reinterpret_cast<std::uint64_t>(out.data() + written + kEventHeader),
                                             name.data(), length));
                    }
                    written += size;
                }
                if (taken == 0) return Error::from_errno(EINVAL);  // the first event does not fit
                base::Vector<Event> rest;
                TRY(rest.try_reserve(events_.size() - taken));
                for (std::size_t i = taken; i < events_.size(); ++i)
                    MUST(rest.try_append(static_cast<Event&&>(events_[i])));
                events_ = static_cast<base::Vector<Event>&&>(rest);
                queued_bytes_ -= written;
                return written;
            }
        }
        if (flags() & O_NONBLOCK) return Error::from_errno(EAGAIN);
        if (waiter.wait(-1) == ipc::WaitResult::Interrupted)
            return Error::from_errno(static_cast<int>(process::kRestartSys));
    }
}

Result<FileStat> Inotify::stat() { return ipc::anon_inode_stat(); }

Result<long> Inotify::ioctl(unsigned long request, std::uint64_t arg) {
    if (request != FIONREAD) return Error::from_errno(ENOTTY);
    std::size_t bytes;
    {
        base::ScopedLock guard(lock_);
        bytes = queued_bytes_;
    }
    TRY(mm::write_user(arg, static_cast<int>(bytes)));
    return 0;
}

std::uint32_t Inotify::poll_events() {
    base::ScopedLock guard(lock_);
    return events_.is_empty() ? 0 : 0x1 | 0x40;  // POLLIN | POLLRDNORM
}

Result<int> Inotify::add_watch(RefPtr<Inode> inode, std::uint32_t mask) {
    base::ScopedLock guard(g_registry_lock);
    base::Vector<Watch>& all = watches();
    for (Watch& watch : all) {
        if (watch.owner != this || watch.inode.get() != inode.get()) continue;
        if (mask & kMaskCreate) return Error::from_errno(EEXIST);
        watch.mask = (mask & kMaskAdd) ? watch.mask | mask : mask;
        watch.mask &= ~kMaskAdd;
        return watch.wd;
    }
    std::size_t inotify_watches = 0;
    for (const Watch& watch : all) inotify_watches += watch.owner->inotify_owner();
    if (inotify_watches >= kMaxUserWatches) return Error::from_errno(ENOSPC);
    int wd;
    {
        base::ScopedLock own(lock_);
        wd = next_wd_++;
    }
    TRY(all.try_append(Watch{inode, this, wd, mask & ~(kMaskAdd | kMaskCreate)}));
    set_count(all.size());
    return wd;
}

Result<void> Inotify::remove_watch(int wd) {
    base::ScopedLock guard(g_registry_lock);
    for (std::size_t i = 0; i < watches().size(); ++i) {
        if (watches()[i].owner == this && watches()[i].wd == wd) {
            end_watch(i);
            return {};
        }
    }
    return Error::from_errno(EINVAL);
}

}  // namespace cella::fs::notify
