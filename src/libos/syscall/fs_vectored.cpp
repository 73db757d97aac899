// Positional and vectored I/O: pread64/pwrite64, readv/writev,
// preadv/pwritev, preadv2/pwritev2 with their RWF_* flags, and vmsplice.
#include <asm-generic/errno.h>
#include <asm/unistd.h>
#include <linux/fcntl.h>
#include <linux/fs.h>

#include "abi/file_mode.h"

#include "libos/base/vector.h"
#include "libos/fs/transfer.h"
#include "libos/ipc/pipe.h"
#include "libos/mm/user_memory.h"
#include "libos/net/host_socket.h"
#include "libos/net/socket_file.h"
#include "libos/process/current.h"
#include "fs_args.h"
#include "iovec.h"
#include "syscall.h"

namespace cella::syscall {
namespace {

using base::RefPtr;
using fs::OpenFile;
using process::current_process;

// What Linux 6.18 knows: HIPRI DSYNC SYNC NOWAIT APPEND NOAPPEND ATOMIC DONTCACHE NOSIGNAL.
constexpr unsigned kRwfNoAppend = 0x20, kRwfAtomic = 0x40, kRwfDontCache = 0x80, kRwfNoSignal = 0x100, kRwfKnown = 0x1ff;

bool seekable(OpenFile& file) {
    if (ipc::as_pipe_end(file)) return false;
    auto at = file.seek(0, SEEK_CUR);
    return !at.is_error() || at.error().code() != ESPIPE;
}

// RWF_NOWAIT needs a file that can say "not now": pipes, and the memory
// devices (null, zero, full, random), which never wait. Linux's tmpfs
// refuses it (EOPNOTSUPP), and so does ramfs here.
bool supports_nowait(OpenFile& file) {
    if (ipc::as_pipe_end(file)) return true;
    auto stat = file.stat();
    if (stat.is_error() || (stat.value().mode & abi::kModeTypeMask) != abi::kModeCharDevice) return false;
    std::uint64_t major = ((stat.value().rdev >> 8) & 0xfff) | ((stat.value().rdev >> 32) & ~0xfffull);
    return major == 1;
}

// How one call moves its bytes.
struct Mode {
    bool write = false;
    bool positioned = false;  // at `offset` (plus what moved), not at the file position
    std::uint64_t offset = 0;
    bool append = false;      // writes go to the end of the file
    bool nowait = false;      // RWF_NOWAIT
    bool sigpipe = true;
};

Result<std::size_t> move_segment(OpenFile& file, const Mode& mode, std::uint64_t address, std::size_t length,
                                 std::size_t done) {
    if (ipc::PipeEnd* pipe = ipc::as_pipe_end(file)) {
        // After some bytes moved a read takes only what is there, as Linux's pipe_read does.
        bool nonblocking = mode.nowait || (file.flags() & O_NONBLOCK) || (!mode.write && done);
        if (mode.write) {
            if (!file.writable()) return Error::from_errno(EBADF);
            ipc::PipeIo io{address};
            io.sigpipe = mode.sigpipe;
            return pipe->pipe().write(io, length, nonblocking);
        }
        if (!file.readable()) return Error::from_errno(EBADF);
        return pipe->pipe().read({address}, length, nonblocking);
    }
    if (mode.write) {
        auto data = TRY(mm::user_readable(address, length));
        if (mode.positioned) return file.pwrite(data, mode.append ? TRY(file.stat()).size : mode.offset + done);
        if (mode.append && !(file.flags() & O_APPEND)) {
            auto end = file.seek(0, SEEK_END);
            if (end.is_error() && end.error().code() != ESPIPE) return end.error();
        }
        return file.write(data);
    }
    auto buffer = TRY(mm::user_writable(address, length));
    return mode.positioned ? file.pread(buffer, mode.offset + done) : file.read(buffer);
}

// Each segment in turn; a short transfer ends the call, and an error after
// some bytes moved reports the bytes, as Linux does.
Result<long> move_segments(OpenFile& file, const IovecList& list, const Mode& mode) {
    // A socket takes the segments as one message.
    if (net::SocketFile* socket = net::as_socket(file))
        return static_cast<long>(TRY(socket->transfer(list.items(), list.total(), mode.write)));
    if (net::HostSocket* socket = net::as_host_socket(file))
        return static_cast<long>(TRY(socket->transfer(list.items(), list.total(), mode.write)));
    std::size_t total = 0;
    // A pipe write of at most PIPE_BUF bytes is atomic however many segments hold them.
    if (mode.write && ipc::as_pipe_end(file) && list.items().size() > 1 && list.total() <= ipc::kPipeBuf) {
        std::uint8_t gathered[ipc::kPipeBuf];
        for (const Iovec& segment : list.items()) {
            TRY(mm::copy_from_user(gathered + total, segment.base, segment.length));
            total += segment.length;
        }
        if (!file.writable()) return Error::from_errno(EBADF);
        ipc::PipeIo io{reinterpret_cast<std::uint64_t>(gathered), false};
        io.sigpipe = mode.sigpipe;
        bool nonblocking = mode.nowait || (file.flags() & O_NONBLOCK);
        return static_cast<long>(TRY(ipc::as_pipe_end(file)->pipe().write(io, total, nonblocking)));
    }
    for (const Iovec& segment : list.items()) {
        if (segment.length == 0) continue;
        auto moved = move_segment(file, mode, segment.base, segment.length, total);
        if (moved.is_error()) return total ? Result<long>(static_cast<long>(total)) : moved.error();
        total += moved.value();
        if (moved.value() < segment.length) break;
    }
    return static_cast<long>(total);
}

// readv, writev, preadv, pwritev, preadv2 and pwritev2, with Linux's
// checks in Linux's order. `offset` -1 is the file position (the v2 calls).
Result<long> vectored(SyscallArgs& a, bool write, bool has_offset, bool v2) {
    std::int64_t offset = has_offset ? static_cast<std::int64_t>(a.arg[3]) : -1;
    unsigned flags = v2 ? static_cast<unsigned>(a.arg[5]) : 0;
    if (has_offset && (offset < -1 || (offset == -1 && !v2))) return Error::from_errno(EINVAL);
    RefPtr<OpenFile> file = TRY(file_of(a.fd(0)));
    Mode mode;
    mode.write = write;
    mode.positioned = offset >= 0;
    mode.offset = static_cast<std::uint64_t>(offset);
    if (mode.positioned && !seekable(*file)) return Error::from_errno(ESPIPE);
    if (write ? !file->writable() : !file->readable()) return Error::from_errno(EBADF);
    IovecList list;
    TRY(list.import(a.address(1), a.size(2)));
    if (list.total() == 0) return 0;
    if (flags & ~kRwfKnown) return Error::from_errno(EOPNOTSUPP);
    if ((flags & RWF_APPEND) && (flags & kRwfNoAppend)) return Error::from_errno(EINVAL);
    if ((flags & RWF_NOWAIT) && !supports_nowait(*file)) return Error::from_errno(EOPNOTSUPP);
    // Nothing here writes atomically to storage or keeps pages out of a cache.
    if (flags & (kRwfAtomic | kRwfDontCache)) return Error::from_errno(EOPNOTSUPP);
    // RWF_HIPRI, RWF_DSYNC and RWF_SYNC need nothing: every write is done when the call returns.
    mode.nowait = flags & RWF_NOWAIT;
    mode.sigpipe = !(flags & kRwfNoSignal);
    // Linux's pwrite appends on an O_APPEND file unless kRwfNoAppend says otherwise.
    mode.append = (flags & RWF_APPEND) || (mode.positioned && (file->flags() & O_APPEND) && !(flags & kRwfNoAppend));
    return current_process().io.count(write, move_segments(*file, list, mode));
}

Result<long> sys_readv(SyscallArgs& a) { return vectored(a, false, false, false); }
Result<long> sys_writev(SyscallArgs& a) { return vectored(a, true, false, false); }
Result<long> sys_preadv(SyscallArgs& a) { return vectored(a, false, true, a.nr == __NR_preadv2); }
Result<long> sys_pwritev(SyscallArgs& a) { return vectored(a, true, true, a.nr == __NR_pwritev2); }

Result<long> sys_pread64(SyscallArgs& a) {
    RefPtr<OpenFile> file = TRY(file_of(a.fd(0)));
    if (static_cast<std::int64_t>(a.arg[3]) < 0) return Error::from_errno(EINVAL);
    auto buffer = TRY(mm::user_writable(a.address(1), clamp_count(a.size(2))));
    return static_cast<long>(TRY(current_process().io.count(false, file->pread(buffer, a.arg[3]))));
}

Result<long> sys_pwrite64(SyscallArgs& a) {
    RefPtr<OpenFile> file = TRY(file_of(a.fd(0)));
    if (static_cast<std::int64_t>(a.arg[3]) < 0) return Error::from_errno(EINVAL);
    auto data = TRY(mm::user_readable(a.address(1), clamp_count(a.size(2))));
    // Linux's pwrite appends on an O_APPEND file whatever the offset.
    std::uint64_t offset = (file->flags() & O_APPEND) && file->inode() ? TRY(file->stat()).size : a.arg[3];
    return static_cast<long>(TRY(current_process().io.count(true, file->pwrite(data, offset))));
}

// User memory into a pipe (gathered from the segments) or out of one.
Result<long> sys_vmsplice(SyscallArgs& a) {
    unsigned flags = static_cast<unsigned>(a.arg[3]);
    if (flags & ~fs::kSpliceAll) return Error::from_errno(EINVAL);
    RefPtr<OpenFile> file = TRY(file_of(a.fd(0)));
    bool into_pipe = file->writable();
    if (!into_pipe && !file->readable()) return Error::from_errno(EBADF);
    IovecList list;
    TRY(list.import(a.address(1), a.size(2)));
    if (list.total() == 0) return 0;
    ipc::PipeEnd* pipe = ipc::as_pipe_end(*file);
    if (!pipe) return Error::from_errno(EBADF);
    bool nonblocking = (flags & fs::kSpliceNonblock) || (file->flags() & O_NONBLOCK);
    std::size_t total = 0;
    for (const Iovec& segment : list.items()) {
        if (segment.length == 0) continue;
        // Only the first segment may wait; then the call takes what there is (or room there is).
        ipc::PipeIo io{segment.base};
        io.partial = true;
        auto moved = into_pipe ? pipe->pipe().write(io, segment.length, nonblocking || total)
                               : pipe->pipe().read(io, segment.length, nonblocking || total);
        if (moved.is_error()) return total ? Result<long>(static_cast<long>(total)) : moved.error();
        total += moved.value();
        if (moved.value() < segment.length) break;
    }
    return static_cast<long>(total);
}

constexpr SyscallSpec kSpecs[] = {
    {__NR_pread64, sys_pread64, "dBul"},
    {__NR_pwrite64, sys_pwrite64, "dbul"},
    {__NR_readv, sys_readv, "dpu"},
    {__NR_writev, sys_writev, "dpu"},
    {__NR_preadv, sys_preadv, "dpul"},
    {__NR_pwritev, sys_pwritev, "dpul"},
    {__NR_preadv2, sys_preadv, "dpullx"},
    {__NR_pwritev2, sys_pwritev, "dpullx"},
    {__NR_vmsplice, sys_vmsplice, "dpux"},
};

}  // namespace

std::span<const SyscallSpec> vectored_syscalls() { return kSpecs; }

}  // namespace cella::syscall
