#pragma once
// An AF_UNIX socket as an open file: read/write are recv/send without
// flags, fstat says S_IFSOCK, /proc/PID/fd shows "socket:[INODE]", and
// poll/select/epoll see the socket's readiness through its Waitable.
#include "libos/fs/open_file.h"
#include "unix_socket.h"

namespace cella::net {

class SocketFile final : public fs::OpenFile {
public:
    // `status_flags`: O_NONBLOCK or 0 (a socket is always O_RDWR).
    SocketFile(RefPtr<UnixSocket> socket, int status_flags);
    ~SocketFile() override;

    Result<std::size_t> read(std::span<std::uint8_t> out) override;
    Result<std::size_t> write(std::span<const std::uint8_t> data) override;
    Result<fs::FileStat> stat() override;
    Result<long> ioctl(unsigned long request, std::uint64_t arg) override;
    std::uint32_t poll_events() override { return socket_->poll_events(); }
    ipc::Waitable* waitable() override { return &socket_->waitable(); }
    fs::FileKind kind() const override { return fs::FileKind::Socket; }
    bool accepts_async() const override { return true; }
    Result<void> set_async(bool on, int fd) override;

    // read/write/readv/writev: the segments as one send or receive.
    Result<std::size_t> transfer(std::span<const mm::UserSegment> segments, std::size_t total, bool write);

    UnixSocket& socket() { return *socket_; }
    bool nonblocking() const { return flags() & 04000; }  // O_NONBLOCK

private:
    RefPtr<UnixSocket> socket_;
};

// `file` as a socket, or nullptr (there is no RTTI: OpenFile::kind() tells).
inline SocketFile* as_socket(fs::OpenFile& file) {
    return file.kind() == fs::FileKind::Socket ? static_cast<SocketFile*>(&file) : nullptr;
}

// Sockets of either kind share sockfs's inode numbers, its fstat and the
// socket:[INODE] name /proc/PID/fd shows.
std::uint64_t allocate_socket_inode();
fs::FileStat socket_stat(std::uint64_t inode);
Result<void> name_socket_file(fs::OpenFile& file, std::uint64_t inode);

// A new open file for `socket`, named socket:[INODE].
Result<RefPtr<fs::OpenFile>> open_socket(RefPtr<UnixSocket> socket, int status_flags);

// The calling process as SCM_CREDENTIALS describes a sender by default
// (pid, real uid and gid) and as SO_PEERCRED describes a peer (pid,
// effective uid and gid).
Credentials sender_credentials();
Credentials peer_credentials_of_caller();

}  // namespace cella::net
