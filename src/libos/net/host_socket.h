#pragma once
// A socket of the host's network stack (AF_INET, AF_INET6, AF_NETLINK) as
// an open file (DESIGN.md section 7). A blocking send, receive, accept or
// connect waits at the host in that one host call (the host socket
// switched to blocking mode); netlink receives, whose local messages must
// end their waits, try once and wait in a host poll. A signal for the
// thread interrupts either wait, and the restart rules are the LibOS's.
// Names, options and control messages are copied through LibOS
// memory and checked both ways; data moves between the host and the
// application's buffers directly.
#include "libos/base/vector.h"
#include "libos/fs/open_file.h"
#include "libos/host/host_net.h"
#include "libos/ipc/waitable.h"
#include "libos/mm/user_memory.h"
#include "socket_file.h"

namespace cella::net {

using base::RefPtr;
using base::Result;

// A sendmsg or recvmsg as the application gave it: its buffers are still
// unchecked application addresses.
struct HostMessage {
    std::span<const mm::UserSegment> data;
    // The data segments are memory the LibOS may hand on as it is (read and
    // write's buffers, checked by their caller, or the LibOS's own, as
    // sendfile's); otherwise each is checked as application memory.
    bool data_checked = false;
    std::size_t total = 0;
    std::uint64_t name = 0;  // sockaddr, or 0
    std::uint32_t name_length = 0;
    std::uint64_t control = 0;  // cmsg buffer, or 0
    std::uint64_t control_length = 0;
    // Filled by a receive: the name's and the control data's full sizes
    // (what recvmsg writes back) and msg_flags.
    std::uint32_t name_filled = 0;
    std::uint64_t control_filled = 0;
    int flags_out = 0;
};

class HostSocket final : public fs::OpenFile {
public:
    // family: AF_INET, AF_INET6 or AF_NETLINK; `type` without its flags.
    static Result<RefPtr<fs::OpenFile>> open(int family, int type, int protocol, int status_flags);
    HostSocket(int host_fd, int family, int type, int status_flags);
    ~HostSocket() override;

    Result<std::size_t> read(std::span<std::uint8_t> out) override;
    Result<std::size_t> write(std::span<const std::uint8_t> data) override;
    Result<fs::FileStat> stat() override;
    Result<long> ioctl(unsigned long request, std::uint64_t arg) override;
    std::uint32_t poll_events() override;
    int host_fd() override { return host_fd_; }
    fs::FileKind kind() const override { return fs::FileKind::HostSocket; }

    Result<void> bind(std::uint64_t address, std::uint32_t length);
    Result<void> listen(int backlog);
    // The accepted connection; its peer's name goes to `address` as
    // accept(2) writes it (length at `length_address`).
    Result<RefPtr<fs::OpenFile>> accept(int flags, std::uint64_t address, std::uint64_t length_address);
    Result<void> connect(std::uint64_t address, std::uint32_t length);
    Result<void> name(bool peer, std::uint64_t address, std::uint64_t length_address);
    Result<void> shutdown(int how);
    Result<void> get_option(int level, int name, std::uint64_t value, std::uint64_t length_address);
    Result<void> set_option(int level, int name, std::uint64_t value, std::uint32_t length);
    Result<std::size_t> send(HostMessage& message, int flags);
    Result<std::size_t> receive(HostMessage& message, int flags);
    // read/write/readv/writev: the segments as one send or receive;
    // `checked` as HostMessage::data_checked.
    Result<std::size_t> transfer(std::span<const mm::UserSegment> segments, std::size_t total, bool write,
                                 bool checked = false);

    int family() const { return family_; }
    std::uint64_t inode() const { return inode_; }

    // A message from the LibOS itself, received before anything the host
    // has: mq_notify's SIGEV_THREAD cookie, which Linux's kernel writes
    // into the C library's netlink socket.
    Result<void> deliver_local(std::span<const std::uint8_t> message);

private:
    // The first local message into `message`; false when there is none.
    Result<bool> receive_local(HostMessage& message, int flags, std::size_t& received);
    bool has_local();
    // Waits until the host socket has `events`, or the timeout (EAGAIN),
    // or a signal (a restart code, or EINTR with a timeout set, as Linux's
    // sock_intr_errno).
    Result<void> wait_for(short events, std::int64_t timeout_ns);
    bool blocking(int flags) const;
    // Puts the host socket in blocking mode (one host call when it
    // changes), so that the next host call waits at the host. Returns the
    // count of mode switches, for `mode_switched_since`.
    Result<std::uint64_t> enter_host_blocking();
    // Whether another thread switched the mode since: a call that was to
    // wait at the host may then have found it non-blocking (EAGAIN,
    // EINPROGRESS or a partial send) and must try again.
    bool mode_switched_since(std::uint64_t switches);
    // Runs `call` (one host call that must not wait: accept or connect,
    // which have no MSG_DONTWAIT) with the host socket non-blocking; the
    // mode stays so until it returns.
    template <typename Call>
    auto without_host_wait(Call&& call) -> decltype(call());
    Result<void> set_host_blocking_locked(bool on);

    // One host call of a send or receive loop: through the io_uring ring
    // when feature.io_uring is on and the message fits it, else the direct
    // host call (the socket in blocking mode when it waits).
    struct Attempt {
        std::size_t staged = 0;  // how much of the message the call carried
        bool direct = true;
        std::uint64_t switches = 0;
    };
    Result<std::size_t> send_once(const host::SocketMessage& out, bool checked, int host_flags, bool wait,
                                  Attempt& attempt);
    Result<std::size_t> receive_once(host::SocketMessage& in, bool checked, int host_flags, bool wait,
                                     Attempt& attempt);
    // A waiting direct call that another thread's mode switch may have
    // made return early.
    bool raced(const Attempt& attempt) { return attempt.direct && mode_switched_since(attempt.switches); }
    Result<int> accept_once(std::span<std::uint8_t> name, std::uint32_t& length, bool wait, Attempt& attempt);
    Result<void> connect_once(std::span<const std::uint8_t> name, Attempt& attempt);

    int host_fd_;
    int family_;
    int type_;
    std::uint64_t inode_ = allocate_socket_inode();
    // SO_RCVTIMEO and SO_SNDTIMEO in ns; 0: no limit.
    std::int64_t receive_timeout_ns_ = 0;
    std::int64_t send_timeout_ns_ = 0;
    base::Mutex mode_lock_;
    bool host_blocking_ = false;
    std::uint64_t mode_switches_ = 0;
    base::Mutex local_lock_;
    base::Vector<base::Vector<std::uint8_t>> local_messages_;
    ipc::Waitable local_arrivals_;
};

template <typename Call>
auto HostSocket::without_host_wait(Call&& call) -> decltype(call()) {
    base::ScopedLock guard(mode_lock_);
    TRY(set_host_blocking_locked(false));
    return call();
}

// A wait at the host that a kick ended: ERESTARTSYS, or EINTR when the
// call has a timeout (Linux's sock_intr_errno); other errors as they are.
base::Error host_wait_error(base::Error error, std::int64_t timeout_ns);

inline HostSocket* as_host_socket(fs::OpenFile& file) {
    return file.kind() == fs::FileKind::HostSocket ? static_cast<HostSocket*>(&file) : nullptr;
}

// Families served by host sockets.
bool is_host_family(int family);

}  // namespace cella::net
