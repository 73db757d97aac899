#pragma once
// POSIX message queues (Linux's ipc/mqueue.c): a namespace of named
// queues, each an ordered set of messages (highest priority first, in
// arrival order within one priority) opened as a file descriptor that
// poll, select and epoll watch.
#include <cstdint>
#include <string_view>

#include "libos/base/own_ptr.h"
#include "libos/base/result.h"
#include "libos/fs/open_file.h"

namespace cella::ipc::mqueue {

using base::Result;

// Linux's defaults (/proc/sys/fs/mqueue); a privileged process may go up
// to the hard limits.
inline constexpr long kMsgMax = 10, kMsgSizeMax = 8192;
inline constexpr long kMsgDefault = 10, kMsgSizeDefault = 8192;
inline constexpr long kHardMsgMax = 65536, kHardMsgSizeMax = 16 * 1024 * 1024;
inline constexpr long kQueuesMax = 256;

struct Attr {  // struct mq_attr
    long flags;
    long maxmsg;
    long msgsize;
    long curmsgs;
    long reserved[4];
};

// mq_open: `name` as the syscall receives it (glibc drops the leading '/').
Result<base::RefPtr<fs::OpenFile>> open(std::string_view name, int flags, std::uint32_t mode, const Attr* attr);
Result<void> unlink(std::string_view name);

// Deadlines are absolute CLOCK_REALTIME nanoseconds, or -1 for none.
Result<void> send(fs::OpenFile& file, std::uint64_t address, std::uint64_t length, std::uint32_t priority,
                  std::int64_t deadline_ns);
Result<std::size_t> receive(fs::OpenFile& file, std::uint64_t address, std::uint64_t length,
                            std::uint64_t priority_address, std::int64_t deadline_ns);

inline constexpr std::size_t kNotifyCookieLength = 32;  // NOTIFY_COOKIE_LEN

struct Notification {
    int notify;  // SIGEV_NONE, SIGEV_SIGNAL or SIGEV_THREAD
    int signal;
    std::uint64_t value;
    // SIGEV_THREAD: the netlink socket the C library listens on, and the
    // cookie it gets back (its last byte saying woken up or removed).
    base::RefPtr<fs::OpenFile> socket;
    std::uint8_t cookie[kNotifyCookieLength] = {};
};
// nullptr: drop the caller's registration.
Result<void> notify(fs::OpenFile& file, const Notification* request);
// mq_getsetattr: the old attributes; `changed` sets O_NONBLOCK.
Result<Attr> get_set_attr(fs::OpenFile& file, const Attr* changed);

}  // namespace cella::ipc::mqueue
