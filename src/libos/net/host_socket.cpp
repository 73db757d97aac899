#include "host_socket.h"

#include <asm-generic/errno.h>
#include <linux/fcntl.h>

#include "libos/base/vector.h"
#include "libos/host/host.h"
#include "libos/host/host_net.h"
#include "libos/ipc/poll.h"
#include "libos/process/signals.h"
#include "libos/runtime/log.h"
#include "libos/time/monotonic.h"
#include "unix_socket.h"

namespace cella::net {
namespace {

using base::Error;

constexpr int kAfInet = 2, kAfInet6 = 10, kAfNetlink = 16;
constexpr int kNetlinkRoute = 0;
constexpr std::uint32_t kMaxName = 128;  // sizeof(struct sockaddr_storage)
constexpr std::uint32_t kMaxOption = 65536;
constexpr int kSolSocket = 1, kSoError = 4, kSoRcvTimeoOld = 20, kSoSndTimeoOld = 21, kSoRcvTimeoNew = 66,
              kSoSndTimeoNew = 67, kSoAttachFilter = 26, kSoAttachBpf = 50, kSoAttachReuseportCbpf = 51,
              kSoAttachReuseportEbpf = 52;
constexpr int kIpProtoIp = 0, kIpProtoTcp = 6, kIpProtoUdp = 17, kIpProtoIpv6 = 41, kIpProtoIcmpv6 = 58,
              kIpProtoUdplite = 136, kIpProtoRaw = 255, kSolNetlink = 270;
constexpr std::int64_t kNs = 1000000000;

// A name from the application, as move_addr_to_kernel takes it.
Result<std::uint32_t> name_from_user(std::uint8_t (&out)[kMaxName], std::uint64_t address, std::uint32_t length) {
    if (length > kMaxName) return Error::from_errno(EINVAL);
    if (length) TRY(mm::copy_from_user(out, address, length));
    return length;
}

// A name to the application, as move_addr_to_user gives it: at most the
// room it offered, and the full size in its length word.
Result<void> name_to_user(const std::uint8_t* name, std::uint32_t full, std::uint64_t address,
                          std::uint64_t length_address) {
    std::int32_t room = TRY(mm::read_user<std::int32_t>(length_address));
    if (room < 0) return Error::from_errno(EINVAL);
    std::uint32_t copied = full < static_cast<std::uint32_t>(room) ? full : static_cast<std::uint32_t>(room);
    if (copied) TRY(mm::copy_to_user(address, name, copied));
    return mm::write_user(length_address, full);
}

bool known_level(int level) {
    switch (level) {
    case kSolSocket:
    case kIpProtoIp:
    case kIpProtoTcp:
    case kIpProtoUdp:
    case kIpProtoIpv6:
    case kIpProtoIcmpv6:
    case kIpProtoUdplite:
    case kIpProtoRaw:
    case kSolNetlink: return true;
    default: return false;
    }
}

// Options whose value holds application pointers, which the host would
// follow into enclave memory.
bool carries_pointers(int level, int name) {
    return level == kSolSocket && (name == kSoAttachFilter || name == kSoAttachBpf ||
                                   name == kSoAttachReuseportCbpf || name == kSoAttachReuseportEbpf);
}

Result<std::int64_t> timeout_of(std::span<const std::uint8_t> value) {
    struct {
        std::int64_t seconds, microseconds;
    } timeval{};
    if (value.size() < sizeof timeval) return Error::from_errno(EINVAL);
    __builtin_memcpy(&timeval, value.data(), sizeof timeval);
    // A negative time means no wait at all (Linux's sock_set_timeout).
    if (timeval.seconds < 0) return std::int64_t{1};
    return timeval.seconds * kNs + timeval.microseconds * 1000;
}

// A new host socket as an open file named socket:[INODE]; the host fd is
// closed if that fails.
Result<RefPtr<fs::OpenFile>> wrap(int fd, int family, int type, int status_flags) {
    auto made = base::make_ref<HostSocket>(fd, family, type, status_flags);
    if (made.is_error()) {
        host::close(fd);
        return made.error();
    }
    RefPtr<HostSocket> socket = made.release_value();
    TRY(name_socket_file(*socket, socket->inode()));
    return RefPtr<fs::OpenFile>(socket.get());
}

}  // namespace

bool is_host_family(int family) { return family == kAfInet || family == kAfInet6 || family == kAfNetlink; }

Result<RefPtr<fs::OpenFile>> HostSocket::open(int family, int type, int protocol, int status_flags) {
    // Only the routing family of netlink: it lists interfaces and
    // addresses; the others reach into the host's kernel.
    if (family == kAfNetlink && protocol != kNetlinkRoute) {
        log::debug("socket: netlink protocol %d is not supported (only NETLINK_ROUTE): EPROTONOSUPPORT", protocol);
        return Error::from_errno(EPROTONOSUPPORT);
    }
    int fd = TRY(host::socket_open(family, type, protocol));
    return wrap(fd, family, type, status_flags);
}

HostSocket::HostSocket(int host_fd, int family, int type, int status_flags)
    : OpenFile(O_RDWR | (status_flags & O_NONBLOCK)), host_fd_(host_fd), family_(family), type_(type) {}

HostSocket::~HostSocket() { host::close(host_fd_); }

bool HostSocket::blocking(int flags) const { return !(flags_ & O_NONBLOCK) && !(flags & kMsgDontWait); }

Result<void> HostSocket::set_host_blocking_locked(bool on) {
    if (host_blocking_ == on) return {};
    TRY(host::socket_set_blocking(host_fd_, on));
    host_blocking_ = on;
    ++mode_switches_;
    return {};
}

Result<std::uint64_t> HostSocket::enter_host_blocking() {
    base::ScopedLock guard(mode_lock_);
    TRY(set_host_blocking_locked(true));
    return mode_switches_;
}

bool HostSocket::mode_switched_since(std::uint64_t switches) {
    base::ScopedLock guard(mode_lock_);
    return mode_switches_ != switches;
}

base::Error host_wait_error(base::Error error, std::int64_t timeout_ns) {
    // Linux restarts an interrupted socket call only when it had no timeout.
    if (error.code() == EINTR && !timeout_ns) return Error::from_errno(static_cast<int>(process::kRestartSys));
    return error;
}

Result<void> HostSocket::wait_for(short events, std::int64_t timeout_ns) {
    std::int64_t deadline = timeout_ns ? time::monotonic_ns() + timeout_ns : 0;
    // Registered before the look at the local queue, so no delivery is missed.
    ipc::ReadinessWait waiting({}, {}, &local_arrivals_);
    waiting.watch_host(host_fd_, static_cast<std::uint32_t>(events));
    if ((events & 0x1) && has_local()) return {};
    if (!waiting.wait(timeout_ns ? timeout_ns : -1)) return host_wait_error(Error::from_errno(EINTR), timeout_ns);
    if (deadline && time::monotonic_ns() >= deadline) return Error::from_errno(EAGAIN);
    return {};
}

bool HostSocket::has_local() {
    base::ScopedLock guard(local_lock_);
    return !local_messages_.is_empty();
}

Result<void> HostSocket::deliver_local(std::span<const std::uint8_t> message) {
    base::Vector<std::uint8_t> copy;
    TRY(copy.try_append(message));
    {
        base::ScopedLock guard(local_lock_);
        TRY(local_messages_.try_append(static_cast<base::Vector<std::uint8_t>&&>(copy)));
    }
    local_arrivals_.notify_all();
    return {};
}

std::uint32_t HostSocket::poll_events() {
    host::PollEntry entry{host_fd_, static_cast<short>(0x1 | 0x2 | 0x4 | 0x2000), 0};
    auto ready = host::poll({&entry, 1}, 0);
    std::uint32_t events = !ready.is_error() && ready.value() ? static_cast<std::uint16_t>(entry.revents) : 0;
    return has_local() ? events | 0x1 : events;
}

// The LibOS numbers the inode, as for its own sockets: no host fstat.
Result<fs::FileStat> HostSocket::stat() { return socket_stat(inode_); }

Result<void> HostSocket::bind(std::uint64_t address, std::uint32_t length) {
    std::uint8_t name[kMaxName];
    length = TRY(name_from_user(name, address, length));
    return host::socket_bind(host_fd_, {name, length});
}

Result<void> HostSocket::listen(int backlog) { return host::socket_listen(host_fd_, backlog); }

Result<RefPtr<fs::OpenFile>> HostSocket::accept(int flags, std::uint64_t address, std::uint64_t length_address) {
    std::uint8_t name[kMaxName];
    std::uint32_t length = 0;
    bool wait = blocking(0);
    while (true) {
        // A blocking accept waits at the host, in this one call (the host
        // keeps SO_RCVTIMEO: EAGAIN); a non-blocking one must not wait.
        Attempt attempt;
        auto accepted = accept_once(name, length, wait, attempt);
        if (!accepted.is_error()) {
            int fd = accepted.value();
            if (length > kMaxName) {
                host::close(fd);
                return Error::from_errno(EIO);
            }
            RefPtr<fs::OpenFile> socket = TRY(wrap(fd, family_, type_, flags));
            if (address) TRY(name_to_user(name, length, address, length_address));
            return socket;
        }
        if (!wait) return accepted.error();
        if (accepted.error().code() == EAGAIN && raced(attempt)) continue;
        return host_wait_error(accepted.error(), receive_timeout_ns_);
    }
}

Result<void> HostSocket::connect(std::uint64_t address, std::uint32_t length) {
    std::uint8_t name[kMaxName];
    length = TRY(name_from_user(name, address, length));
    std::span<const std::uint8_t> peer{name, length};
    if (!blocking(0)) return without_host_wait([&] { return host::socket_connect(host_fd_, peer); });
    // A blocking connect waits at the host, in this one call; the host
    // keeps SO_SNDTIMEO (EINPROGRESS when it passes, as Linux).
    Attempt attempt;
    auto connected = connect_once(peer, attempt);
    if (!connected.is_error()) return {};
    int code = connected.error().code();
    if ((code != EINPROGRESS && code != EALREADY) || !raced(attempt))
        return host_wait_error(connected.error(), send_timeout_ns_);
    // Another thread made the socket non-blocking before the connect
    // reached the host, which only started it: wait for it here.
    TRY(wait_for(0x4, send_timeout_ns_));
    int error = 0;
    TRY(host::socket_get_option(host_fd_, kSolSocket, kSoError,
                                {reinterpret_cast<std::uint8_t*>(&error), sizeof error}));
    if (error < 0 || error > 4095) return Error::from_errno(EIO);
    if (error) return Error::from_errno(error);
    return {};
}

Result<void> HostSocket::name(bool peer, std::uint64_t address, std::uint64_t length_address) {
    std::uint8_t name[kMaxName];
    std::uint32_t full = TRY(host::socket_name(host_fd_, peer, name));
    if (full > kMaxName) return Error::from_errno(EIO);
    return name_to_user(name, full, address, length_address);
}

Result<void> HostSocket::shutdown(int how) { return host::socket_shutdown(host_fd_, how); }

Result<void> HostSocket::get_option(int level, int name, std::uint64_t value, std::uint64_t length_address) {
    std::int32_t room = TRY(mm::read_user<std::int32_t>(length_address));
    if (room < 0) return Error::from_errno(EINVAL);
    if (!known_level(level)) {
        log::debug("getsockopt: level %d on a host socket is not supported: ENOPROTOOPT", level);
        return Error::from_errno(ENOPROTOOPT);
    }
    base::Vector<std::uint8_t> buffer;
    TRY(buffer.try_resize(static_cast<std::uint32_t>(room) < kMaxOption ? static_cast<std::uint32_t>(room)
                                                                        : kMaxOption));
    std::uint32_t filled = TRY(host::socket_get_option(host_fd_, level, name, {buffer.data(), buffer.size()}));
    if (filled) TRY(mm::copy_to_user(value, buffer.data(), filled));
    return mm::write_user(length_address, filled);
}

Result<void> HostSocket::set_option(int level, int name, std::uint64_t value, std::uint32_t length) {
    if (!known_level(level)) {
        log::debug("setsockopt: level %d on a host socket is not supported: ENOPROTOOPT", level);
        return Error::from_errno(ENOPROTOOPT);
    }
    if (carries_pointers(level, name)) {
        log::debug("setsockopt: socket filters (option %d) are not supported on host sockets: ENOPROTOOPT", name);
        return Error::from_errno(ENOPROTOOPT);
    }
    if (length > kMaxOption) return Error::from_errno(ENOMEM);
    base::Vector<std::uint8_t> buffer;
    TRY(buffer.try_resize(length));
    if (length) TRY(mm::copy_from_user(buffer.data(), value, length));
    std::span<const std::uint8_t> bytes{buffer.data(), buffer.size()};
    TRY(host::socket_set_option(host_fd_, level, name, bytes));
    // The host's copy acts on the calls that wait at the host; the LibOS
    // keeps its own to tell EINTR from a restart, and for the waits it
    // does itself (netlink receives).
    if (level == kSolSocket && (name == kSoRcvTimeoOld || name == kSoRcvTimeoNew))
        receive_timeout_ns_ = TRY(timeout_of(bytes));
    if (level == kSolSocket && (name == kSoSndTimeoOld || name == kSoSndTimeoNew))
        send_timeout_ns_ = TRY(timeout_of(bytes));
    return {};
}

}  // namespace cella::net
