#include "atomic_file.h"

#include <functional>
#include <stdexcept>

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
    fd_ = ::open(temporary_.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
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

// pread or pwrite of all of `bytes`, retried while it moves some.
template <typename Bytes, typename Transfer>
void transfer_all(Bytes bytes, std::uint64_t offset, Transfer transfer, const std::function<void()>& fail) {
    std::size_t done = 0;
    while (done < bytes.size()) {
        ssize_t moved = transfer(bytes.data() + done, bytes.size() - done, static_cast<off_t>(offset + done));
        if (moved < 0 && errno == EINTR) continue;
        if (moved <= 0) fail();
        done += static_cast<std::size_t>(moved);
    }
}

void AtomicFile::read_back(std::uint64_t offset, std::span<std::uint8_t> out) {
    if (offset > position_ || out.size() > position_ - offset) throw std::logic_error("read_back past the end");
    flush();
    transfer_all(out, offset, [this](void* at, std::size_t n, off_t where) { return ::pread(fd_, at, n, where); },
                 [this] { fail("read back"); });
}

void AtomicFile::overwrite(std::uint64_t offset, std::span<const std::uint8_t> bytes) {
    if (offset > position_ || bytes.size() > position_ - offset) throw std::logic_error("overwrite past the end");
    flush();
    transfer_all(bytes, offset,
                 [this](const void* at, std::size_t n, off_t where) { return ::pwrite(fd_, at, n, where); },
                 [this] { fail("write"); });
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
