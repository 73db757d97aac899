#include "pipe.h"

#include <asm-generic/errno.h>
#include <asm/ioctls.h>
#include <linux/fcntl.h>

#include <cstring>

#include "libos/base/format.h"
#include "libos/mm/user_memory.h"
#include "libos/process/current.h"
#include "libos/process/signals.h"

namespace cella::ipc {
namespace {

using base::Error;

constexpr std::uint32_t kPollIn = 0x1, kPollOut = 0x4, kPollErr = 0x8, kPollHup = 0x10, kPollRdNorm = 0x40,
                        kPollWrNorm = 0x100;
std::uint64_t g_next_pipe_id = 1;

Error interrupted() { return Error::from_errno(static_cast<int>(process::kRestartSys)); }

Result<void> copy_out(PipeIo io, std::size_t at, const std::uint8_t* from, std::size_t n) {
    if (io.user) return mm::copy_to_user(io.address + at, from, n);
    std::memcpy(reinterpret_cast<std::uint8_t*>(io.address) + at, from, n);
    return {};
}

Result<void> copy_in(std::uint8_t* to, PipeIo io, std::size_t at, std::size_t n) {
    if (io.user) return mm::copy_from_user(to, io.address + at, n);
    std::memcpy(to, reinterpret_cast<const std::uint8_t*>(io.address) + at, n);
    return {};
}

}  // namespace

Result<base::RefPtr<Pipe>> Pipe::create() {
    void* memory = base::allocate(sizeof(Pipe));
    if (!memory) return Error::from_errno(ENOMEM);
    auto pipe = base::RefPtr<Pipe>::adopt(new (memory) Pipe());
    TRY(pipe->buffer_.try_resize(kDefaultPipeCapacity));
    pipe->id_ = __atomic_fetch_add(&g_next_pipe_id, 1, __ATOMIC_RELAXED);
    return pipe;
}

void Pipe::attach(bool write_end) {
    base::ScopedLock guard(lock_);
    if (write_end) {
        ++writers_;
        had_writer_ = true;
    } else {
        ++readers_;
    }
}

void Pipe::detach(bool write_end) {
    {
        base::ScopedLock guard(lock_);
        if (write_end)
            --writers_;
        else
            --readers_;
    }
    changed_.notify_all();
    // As Linux's pipe_release: both sides hear of a close.
    async_readers_.signal(IoReason::In);
    async_writers_.signal(IoReason::Out);
}

std::size_t Pipe::available() {
    base::ScopedLock guard(lock_);
    return used_;
}

std::size_t Pipe::capacity() {
    base::ScopedLock guard(lock_);
    return buffer_.size();
}

Result<std::size_t> Pipe::set_capacity(std::size_t wanted) {
    if (wanted > kMaxPipeCapacity) return Error::from_errno(EPERM);
    std::size_t size = 4096;
    while (size < wanted) size *= 2;
    base::ScopedLock guard(lock_);
    if (size < used_) return Error::from_errno(EBUSY);
    TRY(resize(size));
    return size;
}

Result<void> Pipe::resize(std::size_t size) {
    base::Vector<std::uint8_t> fresh;
    TRY(fresh.try_resize(size));
    for (std::size_t i = 0; i < used_; ++i) fresh[i] = buffer_[(head_ + i) % buffer_.size()];
    buffer_ = static_cast<base::Vector<std::uint8_t>&&>(fresh);
    head_ = 0;
    return {};
}

// The child of a sequential fork runs while its parent waits for it to
// exec or exit (process/fork.h). A shell's builtins in a pipeline stage or
// a command substitution write to a pipe whose reader the parent has not
// started yet, or is the parent: they must not wait for room.
bool Pipe::grow_for_fork_child(std::size_t wanted) {
    if (!process::current_process().fork_snapshot) return false;
    std::size_t size = buffer_.size();
    while (size - used_ < wanted && size < kForkChildPipeLimit) size *= 2;
    return size != buffer_.size() && !resize(size).is_error();
}

std::uint32_t Pipe::poll_events(bool write_end) {
    base::ScopedLock guard(lock_);
    std::uint32_t events = 0;
    if (!write_end) {
        if (used_) events |= kPollIn | kPollRdNorm;
        if (!writers_ && had_writer_) events |= kPollHup;
    } else {
        if (space() >= kPipeBuf) events |= kPollOut | kPollWrNorm;
        if (!readers_) events |= kPollErr;
    }
    return events;
}

Result<std::size_t> Pipe::read(PipeIo io, std::size_t size, bool nonblocking) {
    if (size == 0) return std::size_t{0};
    Waiter waiter;
    waiter.watch(changed_);
    while (true) {
        {
            base::ScopedLock guard(lock_);
            if (used_) {
                std::size_t n = size < used_ ? size : used_;
                std::size_t first = buffer_.size() - head_ < n ? buffer_.size() - head_ : n;
                TRY(copy_out(io, 0, buffer_.data() + head_, first));
                if (n > first) TRY(copy_out(io, first, buffer_.data(), n - first));
                if (!io.consume) return n;
                head_ = (head_ + n) % buffer_.size();
                used_ -= n;
                if (!used_) head_ = 0;
                lock_.unlock();
                changed_.notify_all();
                async_writers_.signal(IoReason::Out);
                lock_.lock();
                return n;
            }
            if (!writers_) return std::size_t{0};
            if (nonblocking) return Error::from_errno(EAGAIN);
        }
        if (waiter.wait(-1, true) == WaitResult::Interrupted) return interrupted();
    }
}

Result<std::size_t> Pipe::write(PipeIo io, std::size_t size, bool nonblocking) {
    if (size == 0) return std::size_t{0};
    Waiter waiter;
    waiter.watch(changed_);
    std::size_t done = 0;
    while (true) {
        bool wrote = false;
        {
            base::ScopedLock guard(lock_);
            if (!readers_) {
                if (io.sigpipe) process::raise_sigpipe();
                if (done) return done;
                return Error::from_errno(EPIPE);
            }
            std::size_t left = size - done;
            // Up to PIPE_BUF bytes go in at once or not at all.
            bool fits = left <= kPipeBuf && !io.partial ? space() >= left : space() > 0;
            if (!fits && !nonblocking && grow_for_fork_child(left)) fits = true;
            if (fits) {
                std::size_t n = left < space() ? left : space();
                std::size_t tail = (head_ + used_) % buffer_.size();
                std::size_t first = buffer_.size() - tail < n ? buffer_.size() - tail : n;
                TRY(copy_in(buffer_.data() + tail, io, done, first));
                if (n > first) TRY(copy_in(buffer_.data(), io, done + first, n - first));
                used_ += n;
                done += n;
                wrote = true;
            }
        }
        if (wrote) {
            changed_.notify_all();
            async_readers_.signal(IoReason::In);
        }
        if (done == size || (io.partial && done)) return done;
        if (nonblocking) {
            if (done) return done;
            return Error::from_errno(EAGAIN);
        }
        if (!wrote && waiter.wait(-1, true) == WaitResult::Interrupted) {
            if (done) return done;
            return interrupted();
        }
    }
}

PipeEnd::PipeEnd(base::RefPtr<Pipe> pipe, bool write_end, int flags)
    : OpenFile(flags), pipe_(static_cast<base::RefPtr<Pipe>&&>(pipe)), write_end_(write_end) {
    pipe_->attach(write_end_);
}

PipeEnd::~PipeEnd() {
    (write_end_ ? pipe_->async_writers() : pipe_->async_readers()).unsubscribe(*this);
    pipe_->detach(write_end_);
}

Result<void> PipeEnd::set_async(bool on, int fd) {
    AsyncSubscribers& list = write_end_ ? pipe_->async_writers() : pipe_->async_readers();
    if (!on) {
        list.unsubscribe(*this);
        return {};
    }
    return list.subscribe(*this, fd);
}

Result<std::size_t> PipeEnd::read(std::span<std::uint8_t> out) {
    if (write_end_) return Error::from_errno(EBADF);
    return pipe_->read({reinterpret_cast<std::uint64_t>(out.data())}, out.size(), flags() & O_NONBLOCK);
}

Result<std::size_t> PipeEnd::write(std::span<const std::uint8_t> data) {
    if (!write_end_) return Error::from_errno(EBADF);
    return pipe_->write({reinterpret_cast<std::uint64_t>(data.data())}, data.size(), flags() & O_NONBLOCK);
}

Result<fs::FileStat> PipeEnd::stat() {
    fs::FileStat s;
    s.dev = 0x0c;  // pipefs
    s.ino = pipe_->id();
    s.mode = 0010600;
    s.block_size = 4096;
    return s;
}

Result<long> PipeEnd::ioctl(unsigned long request, std::uint64_t arg) {
    if (request != FIONREAD) return Error::from_errno(ENOTTY);
    TRY(mm::write_user(arg, static_cast<int>(pipe_->available())));
    return 0;
}

Result<long> PipeEnd::fcntl_special(int command, std::uint64_t arg) {
    constexpr int kSetPipeSize = 1031, kGetPipeSize = 1032;
    if (command == kGetPipeSize) return static_cast<long>(pipe_->capacity());
    if (command == kSetPipeSize) return static_cast<long>(TRY(pipe_->set_capacity(static_cast<std::size_t>(arg))));
    return Error::from_errno(EINVAL);
}

Result<void> make_pipe(int flags, base::RefPtr<fs::OpenFile>& read_end, base::RefPtr<fs::OpenFile>& write_end) {
    base::RefPtr<Pipe> pipe = TRY(Pipe::create());
    int status = flags & O_NONBLOCK;
    auto reader = TRY(base::make_ref<PipeEnd>(pipe, false, O_RDONLY | status));
    auto writer = TRY(base::make_ref<PipeEnd>(pipe, true, O_WRONLY | status));
    char name[40];
    base::format_to(name, sizeof name, "pipe:[%lu]", static_cast<unsigned long>(pipe->id()));
    TRY(reader->set_path(name));
    TRY(writer->set_path(name));
    read_end = base::RefPtr<fs::OpenFile>(reader.get());
    write_end = base::RefPtr<fs::OpenFile>(writer.get());
    return {};
}

}  // namespace cella::ipc
