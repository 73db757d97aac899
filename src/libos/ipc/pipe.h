#pragma once
// Pipes inside the LibOS: no host call on the data path. Linux semantics:
// writes of at most PIPE_BUF bytes are atomic, EOF when every writer is
// gone, EPIPE and SIGPIPE when every reader is, O_NONBLOCK gives EAGAIN,
// and the capacity can be read and changed (F_GETPIPE_SZ/F_SETPIPE_SZ).
#include <cstdint>

#include "libos/base/lock.h"
#include "libos/base/own_ptr.h"
#include "libos/base/vector.h"
#include "libos/fs/open_file.h"
#include "async_signals.h"
#include "waitable.h"

namespace cella::ipc {

using base::Result;

inline constexpr std::size_t kPipeBuf = 4096;
inline constexpr std::size_t kDefaultPipeCapacity = 65536;
inline constexpr std::size_t kMaxPipeCapacity = 1 << 20;  // /proc/sys/fs/pipe-max-size
// How far a pipe grows for the child of a sequential fork before it, too,
// waits for room (Pipe::grow_for_fork_child).
inline constexpr std::size_t kForkChildPipeLimit = 16 << 20;

// Where the bytes of one pipe read or write come from or go to, and how.
struct PipeIo {
    std::uint64_t address;
    bool user = true;      // application memory (checked copies) or a LibOS buffer (splice, sendfile)
    bool consume = true;   // reads: false leaves the bytes in the pipe (tee)
    bool partial = false;  // writes: once there is room, put what fits and return (splice)
    bool sigpipe = true;   // writes: SIGPIPE with EPIPE (not with RWF_NOSIGNAL)
};

class Pipe : public base::RefCounted<Pipe> {
public:
    static Result<base::RefPtr<Pipe>> create();

    Result<std::size_t> read(PipeIo io, std::size_t size, bool nonblocking);
    Result<std::size_t> write(PipeIo io, std::size_t size, bool nonblocking);
    std::uint32_t poll_events(bool write_end);
    std::size_t available();
    std::size_t capacity();
    Result<std::size_t> set_capacity(std::size_t wanted);
    void attach(bool write_end);
    void detach(bool write_end);
    Waitable& waitable() { return changed_; }
    std::uint64_t id() const { return id_; }
    // O_ASYNC readers hear of data and of the last writer going, writers
    // of room and of the last reader going.
    AsyncSubscribers& async_readers() { return async_readers_; }
    AsyncSubscribers& async_writers() { return async_writers_; }

private:
    Pipe() = default;
    std::size_t space() const { return buffer_.size() - used_; }
    // Lock held.
    Result<void> resize(std::size_t size);
    bool grow_for_fork_child(std::size_t wanted);

    base::Mutex lock_;
    base::Vector<std::uint8_t> buffer_;  // ring
    std::size_t head_ = 0;
    std::size_t used_ = 0;
    int readers_ = 0;
    int writers_ = 0;
    bool had_writer_ = false;
    std::uint64_t id_ = 0;
    Waitable changed_;
    AsyncSubscribers async_readers_;
    AsyncSubscribers async_writers_;
};

// One end of a pipe as an open file.
class PipeEnd final : public fs::OpenFile {
public:
    PipeEnd(base::RefPtr<Pipe> pipe, bool write_end, int flags);
    ~PipeEnd() override;

    Result<std::size_t> read(std::span<std::uint8_t> out) override;
    Result<std::size_t> write(std::span<const std::uint8_t> data) override;
    Result<fs::FileStat> stat() override;
    Result<long> ioctl(unsigned long request, std::uint64_t arg) override;
    bool accepts_async() const override { return true; }
    Result<void> set_async(bool on, int fd) override;
    std::uint32_t poll_events() override { return pipe_->poll_events(write_end_); }
    Waitable* waitable() override { return &pipe_->waitable(); }
    Result<long> fcntl_special(int command, std::uint64_t arg) override;
    fs::FileKind kind() const override { return fs::FileKind::Pipe; }
    Pipe& pipe() { return *pipe_; }
    bool write_end() const { return write_end_; }

private:
    base::RefPtr<Pipe> pipe_;
    bool write_end_;
};

// `file` as a pipe end, or nullptr (there is no RTTI: OpenFile::kind() tells).
inline PipeEnd* as_pipe_end(fs::OpenFile& file) {
    return file.kind() == fs::FileKind::Pipe ? static_cast<PipeEnd*>(&file) : nullptr;
}

// pipe2(): the read end and the write end.
Result<void> make_pipe(int flags, base::RefPtr<fs::OpenFile>& read_end, base::RefPtr<fs::OpenFile>& write_end);

}  // namespace cella::ipc
