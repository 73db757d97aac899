#include "poll.h"

#include <asm-generic/errno.h>
#include <asm/unistd.h>

#include "libos/host/host.h"
#include "libos/process/signals.h"
#include "waitable.h"

namespace cella::ipc {
namespace {

constexpr std::int64_t kHostSliceNs = 10 * 1000 * 1000;

std::int64_t monotonic_ns() {
    std::int64_t s = 0, ns = 0;
    (void)host::clock_gettime(1, s, ns);
    return s * 1000000000 + ns;
}

}  // namespace

ReadinessWait::ReadinessWait(std::span<fs::OpenFile* const> files, Waitable* also) {
    if (also && !waiter_.watch(*also)) sliced_ = true;
    for (fs::OpenFile* file : files) {
        if (Waitable* waitable = file->waitable()) {
            if (!waiter_.watch(*waitable)) sliced_ = true;
        } else if (file->host_fd() >= 0 && host_count_ < 16) {
            host_fds_[host_count_++] = {file->host_fd(), static_cast<short>(kPollIn | kPollOut), 0};
        } else {
            // Neither: such a file is checked again every slice.
            sliced_ = true;
        }
    }
}

bool ReadinessWait::wait(std::int64_t timeout_ns) {
    if (!host_count_ && !sliced_) return waiter_.wait(timeout_ns) != WaitResult::Interrupted;
    std::int64_t slice = timeout_ns >= 0 && timeout_ns < kHostSliceNs ? timeout_ns : kHostSliceNs;
    if (host_count_) {
        std::int64_t ts[2] = {slice / 1000000000, slice % 1000000000};
        long r = host::blocking_syscall(__NR_ppoll, reinterpret_cast<long>(host_fds_), host_count_,
                                        reinterpret_cast<long>(ts), 0, 8);
        return r != -EINTR;
    }
    return waiter_.wait(slice) != WaitResult::Interrupted;
}

base::Result<int> poll_files(std::span<PollItem> items, std::int64_t timeout_ns) {
    std::int64_t deadline = timeout_ns > 0 ? monotonic_ns() + timeout_ns : 0;
    fs::OpenFile* files[256];
    std::size_t file_count = 0;
    for (PollItem& item : items)
        if (item.file && file_count < 256) files[file_count++] = item.file.get();
    ReadinessWait waiting({files, file_count});
    while (true) {
        int ready = 0;
        for (PollItem& item : items) {
            if (!item.file) {
                item.revents = kPollNval;
            } else {
                item.revents = item.file->poll_events() & (item.events | kPollErr | kPollHup);
            }
            if (item.revents) ++ready;
        }
        if (ready || timeout_ns == 0) return ready;
        std::int64_t left = -1;
        if (timeout_ns > 0) {
            left = deadline - monotonic_ns();
            if (left <= 0) return 0;
        }
        if (!waiting.wait(left))
            return base::Error::from_errno(static_cast<int>(process::kRestartNoHand));
    }
}

}  // namespace cella::ipc
