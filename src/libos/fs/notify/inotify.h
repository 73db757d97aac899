#pragma once
// inotify: an open file that queues events about watched inodes (Linux's
// inotify(7)). Watches live in one registry for the whole enclave, so a
// change made by any process reaches every instance watching that inode.
#include <cstdint>

#include "events.h"
#include "libos/base/lock.h"
#include "libos/base/string.h"
#include "libos/base/vector.h"
#include "libos/fs/open_file.h"
#include "libos/ipc/waitable.h"

namespace cella::fs::notify {

// inotify_add_watch flags (linux/inotify.h).
inline constexpr std::uint32_t kAllEvents = 0xfff, kOnlyDir = 0x01000000, kDontFollow = 0x02000000,
                               kExclUnlink = 0x04000000, kMaskCreate = 0x10000000, kMaskAdd = 0x20000000,
                               kOneShot = 0x80000000;
inline constexpr std::size_t kMaxQueuedEvents = 16384;  // /proc/sys/fs/inotify/max_queued_events
// Linux's per-user limits (/proc/sys/fs/inotify/max_user_instances and
// max_user_watches), counted over the whole enclave: inotify_init1 fails
// with EMFILE past the first, inotify_add_watch with ENOSPC past the second.
inline constexpr std::size_t kMaxUserInstances = 128;
inline constexpr std::size_t kMaxUserWatches = 8192;

// Inotify instances alive in the enclave.
std::size_t instance_count();

// Whoever holds watches in the registry: an inotify instance, or a
// directory's dnotify request (dnotify.h).
class WatchOwner {
public:
    // Registry lock held: must not take it again.
    virtual void queue(int wd, std::uint32_t mask, std::uint32_t cookie, std::string_view name) = 0;
    // Its watches count against max_user_watches (inotify's do, dnotify's not).
    virtual bool inotify_owner() const { return false; }

protected:
    ~WatchOwner() = default;
};

// Registry operations for owners other than Inotify: one watch of `wd` on
// `inode` with `mask` (replaced if the owner watches it already), and
// the end of every watch of an owner that is about to go (no IN_IGNORED).
Result<void> set_watch(WatchOwner& owner, RefPtr<Inode> inode, int wd, std::uint32_t mask);
void remove_watches(WatchOwner& owner);

class Inotify final : public OpenFile, public WatchOwner {
public:
    explicit Inotify(int flags);
    ~Inotify() override;

    Result<std::size_t> read(std::span<std::uint8_t> out) override;
    Result<FileStat> stat() override;
    // FIONREAD: the bytes a read would return if its buffer were large enough.
    Result<long> ioctl(unsigned long request, std::uint64_t arg) override;
    std::uint32_t poll_events() override;
    ipc::Waitable* waitable() override { return &changed_; }
    FileKind kind() const override { return FileKind::Inotify; }

    // The watch descriptor; one inode keeps one descriptor per instance.
    Result<int> add_watch(RefPtr<Inode> inode, std::uint32_t mask);
    Result<void> remove_watch(int wd);

    // Queues an event unless it repeats the last unread one; past the
    // limit, one IN_Q_OVERFLOW stands for everything dropped.
    void queue(int wd, std::uint32_t mask, std::uint32_t cookie, std::string_view name) override;
    bool inotify_owner() const override { return true; }

private:
    struct Event {
        int wd;
        std::uint32_t mask;
        std::uint32_t cookie;
        base::String name;
        std::size_t size() const;  // as read() returns it
    };

    base::Mutex lock_;
    base::Vector<Event> events_;
    std::size_t queued_bytes_ = 0;
    int next_wd_ = 1;
    ipc::Waitable changed_;
};

}  // namespace cella::fs::notify
