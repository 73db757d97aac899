#include "transfer.h"

#include <asm-generic/errno.h>
#include <linux/fcntl.h>
#include <linux/fs.h>

#include "abi/file_mode.h"

#include "libos/base/vector.h"
#include "libos/ipc/pipe.h"

namespace cella::fs {
namespace {

using base::Error;

constexpr std::size_t kBounceSize = 128 * 1024;

std::uint32_t type_of(OpenFile& file) {
    auto stat = file.stat();
    return stat.is_error() ? 0 : stat.value().mode & abi::kModeTypeMask;
}

// Kinds of file Linux can splice to or from (they have splice_read /
// splice_write): not directories, and not anonymous files such as eventfd.
bool spliceable(OpenFile& file) {
    std::uint32_t type = type_of(file);
    return type == abi::kModeRegular || type == abi::kModeCharDevice || type == abi::kModeBlockDevice || type == abi::kModeSocket || type == abi::kModeFifo;
}

// Where the bytes come from: a pipe (read without taking, then taken once
// the other side has them, so none are lost when the other side takes
// fewer) or a file at an offset.
class Source {
public:
    explicit Source(TransferEnd end) : end_(end), pipe_(ipc::as_pipe_end(end.file)) {}

    Result<void> start() {
        if (pipe_) return {};
        if (end_.offset) {
            position_ = static_cast<std::uint64_t>(*end_.offset);
            return {};
        }
        auto at = end_.file.seek(0, SEEK_CUR);
        if (at.is_error()) {
            if (at.error().code() != ESPIPE) return at.error();
            seekable_ = false;
            return {};
        }
        position_ = static_cast<std::uint64_t>(at.value());
        return {};
    }

    Result<std::size_t> peek(std::span<std::uint8_t> out, bool nonblocking) {
        if (pipe_)
            return pipe_->pipe().read({reinterpret_cast<std::uint64_t>(out.data()), false, false}, out.size(),
                                      nonblocking);
        if (!seekable_) return end_.file.read(out);
        return end_.file.pread(out, position_);
    }

    Result<void> take(std::span<std::uint8_t> scratch, std::size_t n) {
        if (pipe_) {
            TRY(pipe_->pipe().read({reinterpret_cast<std::uint64_t>(scratch.data()), false}, n, true));
            return {};
        }
        position_ += n;
        return {};
    }

    Result<void> finish() {
        if (pipe_ || !seekable_) return {};
        if (end_.offset) {
            *end_.offset = static_cast<std::int64_t>(position_);
            return {};
        }
        TRY(end_.file.seek(static_cast<std::int64_t>(position_), SEEK_SET));
        return {};
    }

private:
    TransferEnd end_;
    ipc::PipeEnd* pipe_;
    bool seekable_ = true;
    std::uint64_t position_ = 0;
};

// Where the bytes go: a pipe (filled with what fits once it has room, as
// splice does), or a file at the caller's offset or its own position.
class Sink {
public:
    explicit Sink(TransferEnd end) : end_(end), pipe_(ipc::as_pipe_end(end.file)) {}

    Result<std::size_t> put(std::span<const std::uint8_t> data, bool nonblocking) {
        if (pipe_) {
            ipc::PipeIo io{reinterpret_cast<std::uint64_t>(data.data()), false};
            io.partial = true;
            return pipe_->pipe().write(io, data.size(), nonblocking);
        }
        std::size_t done = 0;
        while (done < data.size()) {
            auto piece = data.subspan(done);
            auto wrote = end_.offset ? end_.file.pwrite(piece, static_cast<std::uint64_t>(*end_.offset))
                                     : end_.file.write(piece);
            if (wrote.is_error()) {
                if (done) break;
                return wrote.error();
            }
            if (end_.offset) *end_.offset += static_cast<std::int64_t>(wrote.value());
            done += wrote.value();
            if (wrote.value() == 0) break;
        }
        return done;
    }

private:
    TransferEnd end_;
    ipc::PipeEnd* pipe_;
};

// Rounds through the bounce buffer. Only the first round may wait; a round
// that moves less than it held, or finds nothing, ends the call. An error
// after some bytes moved reports the bytes, as Linux does.
Result<std::size_t> pump(Source& in, Sink& out, std::size_t length, bool nonblocking, bool single_round = false,
                         bool take = true) {
    base::Vector<std::uint8_t> bounce;
    TRY(bounce.try_resize(length < kBounceSize ? length : kBounceSize));
    TRY(in.start());
    std::size_t total = 0;
    Result<void> outcome = {};
    while (total < length) {
        std::size_t want = length - total < bounce.size() ? length - total : bounce.size();
        bool wait = !nonblocking && total == 0;
        auto got = in.peek(bounce.span().subspan(0, want), !wait);
        if (got.is_error()) {
            if (!total) outcome = got.error();
            break;
        }
        if (got.value() == 0) break;
        auto put = out.put(bounce.span().subspan(0, got.value()), !wait);
        if (put.is_error()) {
            if (!total) outcome = put.error();
            break;
        }
        if (take) {
            auto taken = in.take(bounce.span(), put.value());
            if (taken.is_error()) {
                outcome = taken.error();
                break;
            }
        }
        total += put.value();
        if (single_round || put.value() < got.value()) break;
    }
    TRY(in.finish());
    if (outcome.is_error() && !total) return outcome.error();
    return total;
}

bool pipe_nonblocking(OpenFile& end, unsigned flags) { return (flags & kSpliceNonblock) || (end.flags() & O_NONBLOCK); }

// An offset passed by pointer to a side that is not a pipe.
Result<void> check_offset(TransferEnd end) {
    if (!end.offset) return {};
    if (ipc::as_pipe_end(end.file)) return Error::from_errno(ESPIPE);
    if (*end.offset < 0) return Error::from_errno(EINVAL);
    auto seekable = end.file.seek(0, SEEK_CUR);
    if (seekable.is_error() && seekable.error().code() == ESPIPE) return Error::from_errno(ESPIPE);
    return {};
}

}  // namespace

Result<std::size_t> send_file(TransferEnd in, TransferEnd out, std::size_t count) {
    if (!in.file.readable()) return Error::from_errno(EBADF);
    TRY(check_offset(in));
    if (!out.file.writable()) return Error::from_errno(EBADF);
    if (ipc::as_pipe_end(in.file) || !spliceable(in.file)) return Error::from_errno(EINVAL);
    bool to_pipe = ipc::as_pipe_end(out.file);
    if (!to_pipe && ((out.file.flags() & O_APPEND) || !spliceable(out.file))) return Error::from_errno(EINVAL);
    if (count == 0) return std::size_t{0};
    Source source(in);
    Sink sink({out.file, nullptr});
    return pump(source, sink, count, to_pipe && (out.file.flags() & O_NONBLOCK));
}

Result<std::size_t> splice(TransferEnd in, TransferEnd out, std::size_t length, unsigned flags) {
    if (!in.file.readable() || !out.file.writable()) return Error::from_errno(EBADF);
    ipc::PipeEnd* in_pipe = ipc::as_pipe_end(in.file);
    ipc::PipeEnd* out_pipe = ipc::as_pipe_end(out.file);
    if (in_pipe && out_pipe) {
        if (in.offset || out.offset) return Error::from_errno(ESPIPE);
        if (&in_pipe->pipe() == &out_pipe->pipe()) return Error::from_errno(EINVAL);
    } else if (in_pipe) {
        if (in.offset) return Error::from_errno(ESPIPE);
        if ((out.file.flags() & O_APPEND) || !spliceable(out.file)) return Error::from_errno(EINVAL);
        TRY(check_offset(out));
    } else if (out_pipe) {
        if (out.offset) return Error::from_errno(ESPIPE);
        if (!spliceable(in.file)) return Error::from_errno(EINVAL);
        TRY(check_offset(in));
    } else {
        return Error::from_errno(EINVAL);
    }
    bool nonblocking = (in_pipe && pipe_nonblocking(in.file, flags)) || (out_pipe && pipe_nonblocking(out.file, flags));
    Source source(in);
    Sink sink(out);
    return pump(source, sink, length, nonblocking);
}

Result<std::size_t> tee(OpenFile& in, OpenFile& out, std::size_t length, unsigned flags) {
    if (!in.readable() || !out.writable()) return Error::from_errno(EBADF);
    ipc::PipeEnd* in_pipe = ipc::as_pipe_end(in);
    ipc::PipeEnd* out_pipe = ipc::as_pipe_end(out);
    if (!in_pipe || !out_pipe || &in_pipe->pipe() == &out_pipe->pipe()) return Error::from_errno(EINVAL);
    Source source({in, nullptr});
    Sink sink({out, nullptr});
    return pump(source, sink, length, pipe_nonblocking(in, flags) || pipe_nonblocking(out, flags),
                /*single_round=*/true, /*take=*/false);
}

Result<std::size_t> copy_file_range(TransferEnd in, TransferEnd out, std::size_t length) {
    std::uint32_t in_type = type_of(in.file), out_type = type_of(out.file);
    if (in_type == abi::kModeDirectory || out_type == abi::kModeDirectory) return Error::from_errno(EISDIR);
    if (in_type != abi::kModeRegular || out_type != abi::kModeRegular) return Error::from_errno(EINVAL);
    if (!in.file.readable() || !out.file.writable() || (out.file.flags() & O_APPEND)) return Error::from_errno(EBADF);
    // Linux copies between two file systems only when one driver serves both.
    auto in_stat = TRY(in.file.stat());
    auto out_stat = TRY(out.file.stat());
    if (in_stat.dev != out_stat.dev) return Error::from_errno(EXDEV);
    std::int64_t in_position = 0, out_position = 0;
    if (in.offset)
        in_position = *in.offset;
    else
        in_position = TRY(in.file.seek(0, SEEK_CUR));
    if (out.offset)
        out_position = *out.offset;
    else
        out_position = TRY(out.file.seek(0, SEEK_CUR));
    // Linux adds the count to the offsets as unsigned numbers: a negative
    // offset overflows.
    std::uint64_t end;
    if (__builtin_add_overflow(static_cast<std::uint64_t>(in_position), length, &end) ||
        __builtin_add_overflow(static_cast<std::uint64_t>(out_position), length, &end))
        return Error::from_errno(EOVERFLOW);
    std::uint64_t in_size = in_stat.size;
    std::uint64_t in_start = static_cast<std::uint64_t>(in_position);
    if (in_start >= in_size) length = 0;
    else if (length > in_size - in_start) length = in_size - in_start;
    Inode* in_inode = in.file.inode();
    Inode* out_inode = out.file.inode();
    bool same_file = in_inode && out_inode && in_inode->same_as(*out_inode);
    if (same_file && out_position + static_cast<std::int64_t>(length) > in_position &&
        out_position < in_position + static_cast<std::int64_t>(length))
        return Error::from_errno(EINVAL);
    if (length == 0) return std::size_t{0};
    Source source({in.file, in.offset ? in.offset : &in_position});
    Sink sink({out.file, out.offset ? out.offset : &out_position});
    std::size_t moved = TRY(pump(source, sink, length, false));
    if (!in.offset) TRY(in.file.seek(in_position, SEEK_SET));
    if (!out.offset) TRY(out.file.seek(out_position, SEEK_SET));
    return moved;
}

Result<void> check_syncable(OpenFile& file) {
    if (file.flags() & O_PATH) return Error::from_errno(EBADF);
    if (file.kind() == FileKind::SecretMem) return Error::from_errno(EINVAL);  // no fsync of its own
    std::uint32_t type = type_of(file);
    if (type != abi::kModeRegular && type != abi::kModeDirectory) return Error::from_errno(EINVAL);
    return {};
}

Result<void> check_range_syncable(OpenFile& file) {
    std::uint32_t type = type_of(file);
    if (type != abi::kModeRegular && type != abi::kModeBlockDevice && type != abi::kModeDirectory && type != abi::kModeSymlink) return Error::from_errno(ESPIPE);
    return {};
}

}  // namespace cella::fs
