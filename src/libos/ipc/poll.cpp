#include "poll.h"

#include <asm-generic/errno.h>

#include "libos/host/host.h"
#include "libos/process/current.h"
#include "libos/process/signals.h"
#include "libos/time/monotonic.h"
#include "waitable.h"

namespace cella::ipc {
namespace {

constexpr std::int64_t kSliceNs = 10 * 1000 * 1000;
constexpr std::size_t kMaxFiles = 256;

// Host poll events for what the caller waits for: errors and hang-ups
// are always reported.
short host_events(std::uint32_t events) { return static_cast<short>(events & (kPollIn | kPollPri | kPollOut | kPollRdHup)); }

// The readiness of every host-backed item in one host call (a host poll
// per file would cost one call each).
void poll_host_items(std::span<PollItem> items) {
    host::PollEntry entries[kMaxFiles];
    std::size_t index[kMaxFiles];
    std::size_t count = 0;
    for (std::size_t i = 0; i < items.size() && count < kMaxFiles; ++i) {
        if (!items[i].file || items[i].file->host_fd() < 0 || items[i].file->waitable()) continue;
        entries[count] = {items[i].file->host_fd(), host_events(items[i].events), 0};
        index[count++] = i;
    }
    if (!count) return;
    if (host::poll({entries, count}, 0).is_error()) return;
    for (std::size_t k = 0; k < count; ++k)
        items[index[k]].revents = static_cast<std::uint16_t>(entries[k].revents) &
                                  (items[index[k]].events | kPollErr | kPollHup | kPollNval);
}

}  // namespace

base::Result<int> thread_wake_fd() {
    process::Thread& thread = process::current_thread();
    if (thread.host_wake_fd < 0) thread.host_wake_fd = TRY(host::wake_fd_open());
    return thread.host_wake_fd;
}

ReadinessWait::ReadinessWait(std::span<fs::OpenFile* const> files, std::span<const std::uint32_t> events,
                             Waitable* also) {
    if (also && !waiter_.watch(*also)) sliced_ = true;
    for (std::size_t i = 0; i < files.size(); ++i) {
        fs::OpenFile* file = files[i];
        if (Waitable* waitable = file->waitable()) {
            if (!waiter_.watch(*waitable)) sliced_ = true;
        } else if (file->host_fd() >= 0) {
            watch_host(file->host_fd(), events.empty() ? kPollIn | kPollOut : events[i]);
        } else {
            // Neither: such a file is checked again every slice.
            sliced_ = true;
        }
    }
}

void ReadinessWait::watch_host(int fd, std::uint32_t events) {
    if (host_count_ == kMaxHost) {
        sliced_ = true;
        return;
    }
    host_fds_[host_count_++] = {fd, host_events(events), 0};
}

bool ReadinessWait::wait(std::int64_t timeout_ns) {
    std::int64_t limit = timeout_ns;
    if (sliced_ && (limit < 0 || limit > kSliceNs)) limit = kSliceNs;
    if (!host_count_) return waiter_.wait(limit) != WaitResult::Interrupted;
    auto wake_fd = thread_wake_fd();
    if (wake_fd.is_error()) {
        // No wake fd (the host's fd limit): watch the host fds in slices.
        if (limit < 0 || limit > kSliceNs) limit = kSliceNs;
        auto polled = host::poll({host_fds_, static_cast<std::size_t>(host_count_)}, limit);
        return !polled.is_error() || polled.error().code() != EINTR;
    }
    host_fds_[host_count_] = {wake_fd.value(), kPollIn, 0};
    for (int i = 0; i < host_count_; ++i) host_fds_[i].revents = 0;
    return waiter_.wait_with_host({host_fds_, static_cast<std::size_t>(host_count_) + 1}, limit) !=
           WaitResult::Interrupted;
}

base::Result<int> poll_files(std::span<PollItem> items, std::int64_t timeout_ns) {
    // Set when the first wait begins: a call that finds something ready
    // reads no clock (a host call, an enclave exit on SGX).
    std::int64_t deadline = 0;
    fs::OpenFile* files[kMaxFiles];
    std::uint32_t events[kMaxFiles];
    std::size_t file_count = 0;
    for (PollItem& item : items) {
        if (!item.file || file_count == kMaxFiles) continue;
        events[file_count] = item.events;
        files[file_count++] = item.file.get();
    }
    ReadinessWait waiting({files, file_count}, {events, file_count});
    while (true) {
        for (PollItem& item : items) item.revents = 0;
        poll_host_items(items);
        int ready = 0;
        for (PollItem& item : items) {
            if (!item.file) {
                item.revents = kPollNval;
            } else if (item.file->host_fd() < 0 || item.file->waitable()) {
                item.revents = item.file->poll_events() & (item.events | kPollErr | kPollHup);
            }
            if (item.revents) ++ready;
        }
        if (ready || timeout_ns == 0) return ready;
        std::int64_t left = -1;
        if (timeout_ns > 0) {
            std::int64_t now = time::monotonic_ns();
            if (!deadline) deadline = now + timeout_ns;
            left = deadline - now;
            if (left <= 0) return 0;
        }
        if (!waiting.wait(left))
            return base::Error::from_errno(static_cast<int>(process::kRestartNoHand));
    }
}

}  // namespace cella::ipc
