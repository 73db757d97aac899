#pragma once
// epoll: an interest list of (fd, open file) with events and user data.
// Level-triggered by default; EPOLLET reports a file again only after its
// Waitable changed; EPOLLONESHOT disarms an entry once reported. A file
// leaves every interest list once no fd refers to it any more, as Linux's
// eventpoll_release (forget_closed_file). Host sockets are watched by a
// host epoll instance that mirrors their entries (with their own flags,
// so the host keeps their edge and one-shot state); the wait sleeps on
// it and on the LibOS files' Waitables together.
#include <cstdint>

#include "libos/base/intrusive_list.h"
#include "libos/base/lock.h"
#include "libos/base/vector.h"
#include "libos/fs/open_file.h"

namespace cella::ipc {

struct EpollEvent {
    std::uint32_t events;
    std::uint64_t data;
} __attribute__((packed));
static_assert(sizeof(EpollEvent) == 12);

class EpollFile final : public fs::OpenFile, public base::IntrusiveListNode<> {
public:
    explicit EpollFile(int flags);
    ~EpollFile() override;

    // op: EPOLL_CTL_ADD, EPOLL_CTL_MOD, EPOLL_CTL_DEL.
    base::Result<void> control(int op, int fd, base::RefPtr<fs::OpenFile> file, const EpollEvent* event);
    // Ready events into `out` (application memory, `max` entries); 0 on timeout.
    base::Result<int> wait(std::uint64_t out, int max, std::int64_t timeout_ns);

    base::Result<fs::FileStat> stat() override;
    std::uint32_t poll_events() override;
    fs::FileKind kind() const override { return fs::FileKind::Epoll; }

    // How many entries watch `file`; and taking them out (into `dropped`,
    // released by the caller once no lock is held).
    unsigned count_watching(const fs::OpenFile& file);
    void forget(const fs::OpenFile& file, base::Vector<base::RefPtr<fs::OpenFile>>& dropped);

private:
    struct Interest {
        int fd;
        base::RefPtr<fs::OpenFile> file;
        std::uint32_t events;
        std::uint64_t data;
        std::uint64_t reported_generation = ~std::uint64_t{0};
        bool disarmed = false;
        bool on_host = false;  // mirrored in host_epoll_ under `key`
        std::uint64_t key = 0;
    };
    // Lock held. Puts a host-backed file's entry into the host mirror;
    // false when the host will not watch it (it is then looked at as
    // other files without a Waitable are).
    bool mirror(Interest& interest, int op);
    // Lock held. Takes a mirrored entry's host fd out of the host mirror.
    void unmirror(int host_fd);

    // `removed`: the file of an entry taken out (released after the lock).
    base::Result<void> update(int op, int fd, base::RefPtr<fs::OpenFile> file, const EpollEvent* event,
                              base::RefPtr<fs::OpenFile>& removed);
    // What is ready now into the application's array at `out` (room for
    // `max`); returns the count.
    base::Result<int> collect(std::uint64_t out, int max);

    base::Mutex lock_;
    base::Vector<Interest> interests_;
    int host_epoll_ = -1;
    unsigned host_entries_ = 0;
    std::uint64_t next_key_ = 1;
    std::size_t next_scan_ = 0;
    // Notified when an entry is added or re-armed: a waiter that sleeps
    // since before must look again, and watch the new file too.
    ipc::Waitable interests_changed_;
};

// An fd of `file` closed, and `holders` references are the caller's: when
// every other reference is an epoll entry's, no fd refers to the file any
// more, and it leaves every interest list (its last reference goes).
void forget_closed_file(fs::OpenFile& file, unsigned holders);

}  // namespace cella::ipc
