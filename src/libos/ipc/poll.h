#pragma once
// Waiting for readiness on many open files at once, for poll, select and
// epoll. Files of the LibOS (pipes, eventfds) wake the waiter through their
// Waitable; host fds (the terminal) are asked with a host ppoll in short
// slices; files with neither are always ready.
#include <cstdint>
#include <span>

#include "libos/base/own_ptr.h"
#include "libos/fs/open_file.h"
#include "waitable.h"

namespace cella::ipc {

inline constexpr std::uint32_t kPollIn = 0x1, kPollPri = 0x2, kPollOut = 0x4, kPollErr = 0x8, kPollHup = 0x10,
                               kPollNval = 0x20;

struct PollItem {
    base::RefPtr<fs::OpenFile> file;  // null: the fd was not open (POLLNVAL)
    std::uint32_t events;
    std::uint32_t revents = 0;
};

// Fills revents; returns how many items are ready. timeout_ns < 0 waits
// without limit. A signal or exit cuts the wait short with the restart
// code poll uses (ERESTARTNOHAND).
base::Result<int> poll_files(std::span<PollItem> items, std::int64_t timeout_ns);

// Waiting for a change on a set of files. It registers on construction,
// before the caller checks readiness, so no change between the check and
// the wait is missed.
class ReadinessWait {
public:
    // `also`: one more object whose change ends the wait (an epoll
    // instance's interest list).
    explicit ReadinessWait(std::span<fs::OpenFile* const> files, Waitable* also = nullptr);
    // Sleeps until a file may have changed, or the timeout; false when
    // interrupted by a signal or exit.
    bool wait(std::int64_t timeout_ns);

private:
    struct HostPollFd {
        int fd;
        short events;
        short revents;
    };
    Waiter waiter_;
    HostPollFd host_fds_[16];
    int host_count_ = 0;
    bool sliced_ = false;
};

}  // namespace cella::ipc
