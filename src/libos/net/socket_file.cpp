#include "socket_file.h"

#include <asm-generic/errno.h>
#include <asm/ioctls.h>
#include <linux/fcntl.h>

#include "interface_ioctl.h"
#include "libos/base/format.h"
#include "libos/host/host_net.h"
#include "libos/mm/user_memory.h"
#include "libos/process/current.h"
#include "libos/process/process.h"

namespace cella::net {
namespace {

using base::Error;

constexpr unsigned long kSiocInq = FIONREAD, kSiocOutq = TIOCOUTQ;
constexpr std::uint64_t kSockfsDevice = 0x08;
std::uint64_t g_next_inode = 1000;
constexpr int kAfInet = 2;

}  // namespace

SocketFile::SocketFile(RefPtr<UnixSocket> socket, int status_flags)
    : OpenFile(O_RDWR | (status_flags & O_NONBLOCK)), socket_(static_cast<RefPtr<UnixSocket>&&>(socket)) {}

SocketFile::~SocketFile() {
    socket_->async_subscribers().unsubscribe(*this);
    socket_->release();
}

Result<void> SocketFile::set_async(bool on, int fd) {
    if (!on) {
        socket_->async_subscribers().unsubscribe(*this);
        return {};
    }
    return socket_->async_subscribers().subscribe(*this, fd);
}

Result<std::size_t> SocketFile::transfer(std::span<const mm::UserSegment> segments, std::size_t total, bool write) {
    if (write) {
        SendRequest request;
        request.data = segments;
        request.total = total;
        request.nonblocking = nonblocking();
        request.credentials = sender_credentials();
        return socket_->send(request);
    }
    // As Linux's sock_read_iter: reading nothing takes no message (recv does).
    if (total == 0) return std::size_t{0};
    ReceiveRequest request;
    request.data = segments;
    request.total = total;
    request.nonblocking = nonblocking();
    return socket_->receive(request);
}

Result<std::size_t> SocketFile::read(std::span<std::uint8_t> out) {
    mm::UserSegment segment{reinterpret_cast<std::uint64_t>(out.data()), out.size()};
    return transfer({&segment, 1}, out.size(), false);
}

Result<std::size_t> SocketFile::write(std::span<const std::uint8_t> data) {
    mm::UserSegment segment{reinterpret_cast<std::uint64_t>(data.data()), data.size()};
    return transfer({&segment, 1}, data.size(), true);
}

std::uint64_t allocate_socket_inode() { return __atomic_fetch_add(&g_next_inode, 1, __ATOMIC_RELAXED); }

fs::FileStat socket_stat(std::uint64_t inode) {
    fs::FileStat s;
    s.dev = kSockfsDevice;
    s.ino = inode;
    s.mode = 0140777;
    s.block_size = 4096;
    return s;
}

Result<void> name_socket_file(fs::OpenFile& file, std::uint64_t inode) {
    char name[40];
    base::format_to(name, sizeof name, "socket:[%lu]", static_cast<unsigned long>(inode));
    return file.set_path(name);
}

Result<fs::FileStat> SocketFile::stat() { return socket_stat(socket_->inode_number()); }

Result<long> SocketFile::ioctl(unsigned long request, std::uint64_t arg) {
    if (request == kSiocInq) {
        if (socket_->is_listening()) return Error::from_errno(EINVAL);
        TRY(mm::write_user(arg, static_cast<int>(socket_->unread_bytes())));
        return 0;
    }
    if (request == kSiocOutq) {
        if (socket_->is_listening()) return Error::from_errno(EINVAL);
        TRY(mm::write_user(arg, static_cast<int>(socket_->in_flight())));
        return 0;
    }
    // Linux answers the interface queries on a socket of any family (glibc's
    // if_nametoindex asks an AF_UNIX one): a host socket made for the query
    // answers them.
    if (is_interface_request(request)) {
        int host_fd = TRY(host::socket_open(kAfInet, kSockDgram, 0));
        auto answered = interface_ioctl(host_fd, request, arg);
        host::close(host_fd);
        return answered;
    }
    return Error::from_errno(ENOTTY);
}

Result<RefPtr<fs::OpenFile>> open_socket(RefPtr<UnixSocket> socket, int status_flags) {
    std::uint64_t inode = socket->inode_number();
    auto file = TRY(base::make_ref<SocketFile>(static_cast<RefPtr<UnixSocket>&&>(socket), status_flags));
    TRY(name_socket_file(*file, inode));
    return RefPtr<fs::OpenFile>(file.get());
}

Credentials sender_credentials() {
    process::Process& process = process::current_process();
    return {process.pid(), process.credentials.uids().real, process.credentials.gids().real};
}

Credentials peer_credentials_of_caller() {
    process::Process& process = process::current_process();
    return {process.pid(), process.credentials.uids().effective, process.credentials.gids().effective};
}

}  // namespace cella::net
