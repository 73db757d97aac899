#pragma once
// Waiting for readiness on many open files at once, for poll, select and
// epoll. Files of the LibOS (pipes, eventfds) wake the waiter through their
// Waitable; host fds (sockets, the terminal) are watched by a host poll in
// the same sleep, beside the thread's wake fd that the Waitables signal.
// Only files with neither are looked at again in short slices.
#include <cstdint>
#include <span>

#include "libos/base/own_ptr.h"
#include "libos/fs/open_file.h"
#include "libos/host/host_net.h"
#include "waitable.h"

namespace cella::ipc {

inline constexpr std::uint32_t kPollIn = 0x1, kPollPri = 0x2, kPollOut = 0x4, kPollErr = 0x8, kPollHup = 0x10,
                               kPollNval = 0x20, kPollRdHup = 0x2000;

struct PollItem {
    base::RefPtr<fs::OpenFile> file;  // null: the fd was not open (POLLNVAL)
    std::uint32_t events;
    std::uint32_t revents = 0;
};

// Fills revents; returns how many items are ready. timeout_ns < 0 waits
// without limit. A signal or exit cuts the wait short with the restart
// code poll uses (ERESTARTNOHAND).
base::Result<int> poll_files(std::span<PollItem> items, std::int64_t timeout_ns);

// The calling thread's host wake fd, made at the first call.
base::Result<int> thread_wake_fd();

// Waiting for a change on a set of files. It registers on construction,
// before the caller checks readiness, so no change between the check and
// the wait is missed.
class ReadinessWait {
public:
    // `events[i]`: what the caller waits for on files[i] (POLLIN|POLLOUT
    // when `events` is empty). `also`: one more object whose change ends
    // the wait (an epoll instance's interest list).
    ReadinessWait(std::span<fs::OpenFile* const> files, std::span<const std::uint32_t> events,
                  Waitable* also = nullptr);
    // Watches a host fd too (an epoll instance's mirror of its host sockets).
    void watch_host(int fd, std::uint32_t events);
    // Sleeps until a file may have changed, or the timeout; false when
    // interrupted by a signal or exit.
    bool wait(std::int64_t timeout_ns);

private:
    static constexpr int kMaxHost = 256;  // as many as poll_files looks at
    Waiter waiter_;
    host::PollEntry host_fds_[kMaxHost + 1];  // and the wake fd
    int host_count_ = 0;
    bool sliced_ = false;
};

}  // namespace cella::ipc
