#include "atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "user_error.h"

namespace cella::cli {
namespace {

// Big enough that the many small records of an image cost few syscalls.
constexpr std::size_t kBufferSize = 1 << 20;

}  // namespace

AtomicFile::AtomicFile(std::filesystem::path destination)
    : destination_(std::move(destination)), temporary_(destination_.string() + ".tmp-" + std::to_string(::getpid())) {
    fd_ = ::open(temporary_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) fail("create");
    buffer_.reserve(kBufferSize);
}

AtomicFile::~AtomicFile() {
    if (fd_ >= 0) {
        ::close(fd_);
        ::unlink(temporary_.c_str());
    }
}

void AtomicFile::fail(std::string_view action) const {
    throw UserError("cannot " + std::string(action) + " " + temporary_.string() + ": " + std::strerror(errno));
}

void AtomicFile::flush() {
    std::size_t done = 0;
    while (done < buffer_.size()) {
        ssize_t written = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
        if (written < 0) {
            if (errno == EINTR) continue;
            fail("write");
        }
        done += static_cast<std::size_t>(written);
    }
    buffer_.clear();
}

void AtomicFile::write(std::span<const std::uint8_t> bytes) {
    position_ += bytes.size();
    while (!bytes.empty()) {
        std::size_t room = kBufferSize - buffer_.size();
        std::size_t count = bytes.size() < room ? bytes.size() : room;
        buffer_.insert(buffer_.end(), bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(count));
        bytes = bytes.subspan(count);
        if (buffer_.size() == kBufferSize) flush();
    }
}

void AtomicFile::write_zeros(std::uint64_t count) {
    static const std::uint8_t kZeros[4096] = {};
    while (count > 0) {
        std::size_t chunk = count < sizeof kZeros ? static_cast<std::size_t>(count) : sizeof kZeros;
        write({kZeros, chunk});
        count -= chunk;
    }
}

void AtomicFile::commit() {
    flush();
    if (::fsync(fd_) != 0) fail("write");
    int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0 || ::rename(temporary_.c_str(), destination_.c_str()) != 0) {
        int saved_errno = errno;
        ::unlink(temporary_.c_str());
        throw UserError("cannot write " + destination_.string() + ": " + std::strerror(saved_errno));
    }
}

void write_file_atomically(const std::filesystem::path& destination, std::string_view content) {
    AtomicFile file(destination);
    file.write({reinterpret_cast<const std::uint8_t*>(content.data()), content.size()});
    file.commit();
}

}  // namespace cella::cli
