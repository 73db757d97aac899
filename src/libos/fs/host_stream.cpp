#include "host_stream.h"

#include <asm-generic/errno.h>
#include <asm/ioctls.h>
#include <asm/stat.h>
#include <asm/unistd.h>
#include <linux/fcntl.h>

#include "libos/host/host.h"
#include "libos/process/current.h"
#include "libos/process/signals.h"
#include "libos/mm/user_memory.h"

namespace cella::fs {
namespace {

using base::Error;

constexpr std::size_t kKernelTermiosSize = 36;  // struct termios as TCGETS fills it
constexpr std::size_t kWinsizeSize = 8;

}  // namespace

// A terminal or pipe may block: the host call is one a kick can cut
// short, and then the read restarts or fails with EINTR as on Linux.
static Result<std::size_t> blocking_transfer(long nr, int fd, const void* buffer, std::size_t size) {
    long result = host::blocking_syscall(nr, fd, reinterpret_cast<long>(buffer), static_cast<long>(size));
    if (result == -EINTR) return Error::from_errno(static_cast<int>(process::kRestartSys));
    if (result < 0) return Error::from_errno(static_cast<int>(-result));
    if (static_cast<std::size_t>(result) > size) return Error::from_errno(EIO);
    return static_cast<std::size_t>(result);
}

// O_NONBLOCK (fcntl or FIONBIO) stays in the LibOS: the host fd is shared
// with other host processes (the terminal), so its own flag is left alone
// and the host is asked first whether the transfer could start. A write
// that could start may still wait for room for its remainder.
static bool would_block(HostStream& stream, std::uint32_t ready) {
    constexpr std::uint32_t kPollErr = 0x8, kPollHup = 0x10;
    return (stream.flags() & O_NONBLOCK) && !(stream.poll_events() & (ready | kPollErr | kPollHup));
}

Result<std::size_t> HostStream::read(std::span<std::uint8_t> out) {
    if (!readable()) return Error::from_errno(EBADF);
    if (would_block(*this, 0x1 /* POLLIN */)) return Error::from_errno(EAGAIN);
    return blocking_transfer(__NR_read, host_fd_, out.data(), out.size());
}

Result<std::size_t> HostStream::write(std::span<const std::uint8_t> data) {
    if (!writable()) return Error::from_errno(EBADF);
    if (would_block(*this, 0x4 /* POLLOUT */)) return Error::from_errno(EAGAIN);
    auto written = blocking_transfer(__NR_write, host_fd_, data.data(), data.size());
    // The reader went away: Linux sends SIGPIPE with the EPIPE.
    if (written.is_error() && written.error().code() == EPIPE) process::raise_sigpipe();
    return written;
}

Result<FileStat> HostStream::stat() {
    struct ::stat raw {};
    TRY(host::fstat(host_fd_, raw));
    FileStat s;
    s.dev = raw.st_dev;
    s.ino = raw.st_ino;
    s.mode = raw.st_mode;
    s.nlink = static_cast<std::uint32_t>(raw.st_nlink);
    s.rdev = raw.st_rdev;
    s.size = raw.st_size > 0 ? static_cast<std::uint64_t>(raw.st_size) : 0;
    s.block_size = static_cast<std::uint32_t>(raw.st_blksize);
    s.mtime = {static_cast<std::int64_t>(raw.st_mtime), static_cast<std::uint32_t>(raw.st_mtime_nsec)};
    s.atime = {static_cast<std::int64_t>(raw.st_atime), static_cast<std::uint32_t>(raw.st_atime_nsec)};
    s.ctime = {static_cast<std::int64_t>(raw.st_ctime), static_cast<std::uint32_t>(raw.st_ctime_nsec)};
    return s;
}

std::uint32_t HostStream::poll_events() {
    struct {
        int fd;
        short events;
        short revents;
    } entry{host_fd_, 0x1 | 0x4, 0};
    std::int64_t zero[2] = {0, 0};
    long n = host::blocking_syscall(__NR_ppoll, reinterpret_cast<long>(&entry), 1, reinterpret_cast<long>(zero), 0, 8);
    return n > 0 ? static_cast<std::uint16_t>(entry.revents) : 0;
}

Result<long> HostStream::ioctl(unsigned long request, std::uint64_t arg) {
    // Only terminal requests with a known argument size reach the host; the
    // argument is copied through LibOS memory in both directions.
    std::uint8_t buffer[64];
    switch (request) {
    case TCGETS: {
        long r = TRY(host::ioctl(host_fd_, request, buffer));
        TRY(mm::copy_to_user(arg, buffer, kKernelTermiosSize));
        return r;
    }
    case TCSETS:
    case TCSETSW:
    case TCSETSF:
        TRY(mm::copy_from_user(buffer, arg, kKernelTermiosSize));
        return host::ioctl(host_fd_, request, buffer);
    case TIOCGWINSZ: {
        long r = TRY(host::ioctl(host_fd_, request, buffer));
        TRY(mm::copy_to_user(arg, buffer, kWinsizeSize));
        return r;
    }
    // Job control: the terminal's foreground group is the caller's (one
    // process group so far); setting it to the caller's own succeeds.
    case TIOCGPGRP: {
        TRY(host::ioctl(host_fd_, TCGETS, buffer));  // ENOTTY unless a terminal
        int pgid = process::current_process().pgid;
        TRY(mm::write_user(arg, pgid));
        return 0;
    }
    case TIOCSPGRP: {
        TRY(host::ioctl(host_fd_, TCGETS, buffer));
        int pgid = TRY(mm::read_user<int>(arg));
        if (pgid != process::current_process().pgid) return Error::from_errno(EPERM);
        return 0;
    }
    case FIONREAD: {
        int available = 0;
        long r = TRY(host::ioctl(host_fd_, request, &available));
        TRY(mm::write_user(arg, available));
        return r;
    }
    case TIOCSWINSZ:
        TRY(mm::copy_from_user(buffer, arg, kWinsizeSize));
        return host::ioctl(host_fd_, request, buffer);
    default:
        return Error::from_errno(ENOTTY);
    }
}

}  // namespace cella::fs
