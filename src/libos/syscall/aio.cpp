// Linux AIO (io_setup, io_destroy, io_submit, io_getevents, io_pgetevents,
// io_cancel): decode and check the iocbs, do each request at once, and hand
// the completion to fs/aio's context.
#include <asm-generic/errno.h>
#include <asm/unistd.h>

#include "fs_args.h"
#include "iovec.h"
#include "libos/fs/aio.h"
#include "libos/fs/transfer.h"
#include "libos/ipc/eventfd.h"
#include "libos/runtime/log.h"
#include "syscall.h"
#include "temporary_mask.h"

namespace cella::syscall {
namespace {

using base::RefPtr;
using fs::OpenFile;

struct Iocb {
    std::uint64_t data;
    std::uint32_t key;
    std::uint32_t rw_flags;
    std::uint16_t opcode;
    std::int16_t request_priority;
    std::uint32_t fd;
    std::uint64_t buffer;
    std::uint64_t bytes;
    std::int64_t offset;
    std::uint64_t reserved2;
    std::uint32_t flags;
    std::uint32_t result_fd;
};
static_assert(sizeof(Iocb) == 64);

enum : std::uint16_t { kPread = 0, kPwrite = 1, kFsync = 2, kFdsync = 3, kPoll = 5, kPreadv = 7, kPwritev = 8 };
constexpr std::uint32_t kFlagResultFd = 1;
// RWF_HIPRI, RWF_DSYNC, RWF_SYNC: nothing to do when every request is done at once.
constexpr std::uint32_t kAcceptedRwFlags = 0x1 | 0x2 | 0x4;

// One read or write at the request's offset; a pipe is read as a stream, as Linux does.
Result<std::size_t> transfer(OpenFile& file, bool write, std::uint64_t address, std::size_t length,
                             std::uint64_t offset) {
    if (write) {
        auto data = TRY(mm::user_readable(address, length));
        auto done = file.pwrite(data, offset);
        if (done.is_error() && done.error().code() == ESPIPE) return file.write(data);
        return done;
    }
    auto buffer = TRY(mm::user_writable(address, length));
    auto done = file.pread(buffer, offset);
    if (done.is_error() && done.error().code() == ESPIPE) return file.read(buffer);
    return done;
}

// A read or write request: errors found before any I/O fail the submission;
// the I/O's own outcome is the event's result.
Result<std::int64_t> read_or_write(OpenFile& file, const Iocb& iocb, bool write, bool vectored) {
    if (write ? !file.writable() : !file.readable()) return Error::from_errno(EBADF);
    if (iocb.offset < 0) return Error::from_errno(EINVAL);
    if (iocb.rw_flags & ~kAcceptedRwFlags) return Error::from_errno(EOPNOTSUPP);
    if (!vectored) {
        std::size_t length = clamp_count(iocb.bytes);
        if (!length) return 0;
        if (write ? mm::user_readable(iocb.buffer, length).is_error() : mm::user_writable(iocb.buffer, length).is_error())
            return Error::from_errno(EFAULT);
        auto done = transfer(file, write, iocb.buffer, length, static_cast<std::uint64_t>(iocb.offset));
        return done.is_error() ? -static_cast<std::int64_t>(done.error().code()) : static_cast<std::int64_t>(done.value());
    }
    IovecList list;
    TRY(list.import(iocb.buffer, iocb.bytes));
    std::size_t total = 0;
    for (const Iovec& segment : list.items()) {
        if (!segment.length) continue;
        auto done = transfer(file, write, segment.base, segment.length, static_cast<std::uint64_t>(iocb.offset) + total);
        if (done.is_error()) return total ? static_cast<std::int64_t>(total) : -static_cast<std::int64_t>(done.error().code());
        total += done.value();
        if (done.value() < segment.length) break;
    }
    return static_cast<std::int64_t>(total);
}

Result<void> submit_one(fs::aio::Context& context, std::uint64_t iocb_address) {
    Iocb iocb = TRY(mm::read_user<Iocb>(iocb_address));
    if (iocb.reserved2 || static_cast<std::int64_t>(iocb.bytes) < 0) return Error::from_errno(EINVAL);
    TRY(context.reserve());
    RefPtr<OpenFile> file = TRY(file_of(static_cast<int>(iocb.fd)));
    RefPtr<OpenFile> result_fd;
    if (iocb.flags & kFlagResultFd) {
        result_fd = TRY(file_of(static_cast<int>(iocb.result_fd)));
        if (result_fd->kind() != fs::FileKind::EventFd) return Error::from_errno(EINVAL);
    }
    std::int64_t result = 0;
    switch (iocb.opcode) {
    case kPread:
    case kPwrite:
    case kPreadv:
    case kPwritev:
        result = TRY(read_or_write(*file, iocb, iocb.opcode == kPwrite || iocb.opcode == kPwritev,
                                   iocb.opcode == kPreadv || iocb.opcode == kPwritev));
        break;
    case kFsync:
    case kFdsync:
        if (iocb.buffer || iocb.offset || iocb.bytes || iocb.rw_flags) return Error::from_errno(EINVAL);
        TRY(fs::check_syncable(*file));
        break;
    case kPoll:
        if (iocb.buffer != static_cast<std::uint16_t>(iocb.buffer) || iocb.offset || iocb.bytes || iocb.rw_flags)
            return Error::from_errno(EINVAL);
        // A poll that is not ready yet completes later, and without the eventfd.
        if (TRY(context.poll(file, static_cast<std::uint32_t>(iocb.buffer), iocb.data, iocb_address)) && result_fd)
            static_cast<ipc::EventFd*>(result_fd.get())->signal(1);
        return {};
    default: return Error::from_errno(EINVAL);
    }
    TRY(context.complete({iocb.data, iocb_address, result, 0}));
    if (result_fd) static_cast<ipc::EventFd*>(result_fd.get())->signal(1);
    return {};
}

// io_setup(nr_events, ctx*): *ctx must be 0 on entry.
Result<long> sys_io_setup(SyscallArgs& a) {
    std::uint64_t given = TRY(mm::read_user<std::uint64_t>(a.address(1)));
    auto requests = static_cast<unsigned>(a.arg[0]);
    if (given || requests == 0) return Error::from_errno(EINVAL);
    process::Process& process = process::current_process();
    std::uint64_t id = TRY(fs::aio::setup(process, requests));
    auto stored = mm::write_user(a.address(1), id);
    if (stored.is_error()) {
        (void)fs::aio::destroy(process, id);
        return stored.error();
    }
    return 0;
}

Result<long> sys_io_destroy(SyscallArgs& a) {
    TRY(fs::aio::destroy(process::current_process(), a.arg[0]));
    return 0;
}

// io_submit(ctx, nr, iocb**): the number taken; an error only if none was.
Result<long> sys_io_submit(SyscallArgs& a) {
    auto count = static_cast<std::int64_t>(a.arg[1]);
    if (count < 0) return Error::from_errno(EINVAL);
    RefPtr<fs::aio::Context> context = TRY(fs::aio::find(process::current_process(), a.arg[0]));
    long submitted = 0;
    for (; submitted < count; ++submitted) {
        auto iocb = mm::read_user<std::uint64_t>(a.address(2) + static_cast<std::uint64_t>(submitted) * 8);
        Result<void> done = iocb.is_error() ? Result<void>(iocb.error()) : submit_one(*context, iocb.value());
        if (done.is_error()) {
            if (submitted) break;
            return done.error();
        }
    }
    return submitted;
}

Result<long> get_events(SyscallArgs& a) {
    std::int64_t timeout_ns = -1;
    if (a.address(4)) {
        struct {
            std::int64_t seconds;
            std::int64_t nanoseconds;
        } timeout = TRY(mm::read_user<decltype(timeout)>(a.address(4)));
        timeout_ns = timeout.seconds < 0 || timeout.nanoseconds < 0 ? 0 : timeout.seconds * 1000000000 + timeout.nanoseconds;
    }
    auto min_nr = static_cast<long>(a.arg[1]), nr = static_cast<long>(a.arg[2]);
    RefPtr<fs::aio::Context> context = TRY(fs::aio::find(process::current_process(), a.arg[0]));
    if (min_nr > nr || min_nr < 0 || nr < 0) return Error::from_errno(EINVAL);
    return context->get_events(min_nr, nr, a.address(3), timeout_ns);
}

Result<long> sys_io_getevents(SyscallArgs& a) { return get_events(a); }

// io_pgetevents: io_getevents with a signal mask held while it waits
// (struct __aio_sigset: the mask's address and size). Interrupted with no
// event it restarts unless a handler runs (Linux's ERESTARTNOHAND), where
// io_getevents says EINTR.
Result<long> sys_io_pgetevents(SyscallArgs& a) {
    struct AioSigset {
        std::uint64_t mask;
        std::uint64_t size;
    } sigset{0, 0};
    if (a.address(5)) sigset = TRY(mm::read_user<AioSigset>(a.address(5)));
    TemporaryMask mask(sigset.mask, sigset.size);
    if (mask.error()) return Error::from_errno(mask.error());
    Result<long> got = get_events(a);
    if (got.is_error() && got.error().code() == EINTR) {
        mask.keep_for_handler();
        return Error::from_errno(process::kRestartNoHand);
    }
    return got;
}

// io_cancel(ctx, iocb*, result*): only a poll still waiting can be cancelled.
Result<long> sys_io_cancel(SyscallArgs& a) {
    RefPtr<fs::aio::Context> context = TRY(fs::aio::find(process::current_process(), a.arg[0]));
    Iocb iocb = TRY(mm::read_user<Iocb>(a.address(1)));
    if (iocb.key != 0) return Error::from_errno(EINVAL);
    TRY(context->cancel(a.address(1)));
    return 0;
}

constexpr SyscallSpec kSpecs[] = {
    {__NR_io_setup, sys_io_setup, "up"},
    {__NR_io_destroy, sys_io_destroy, "x"},
    {__NR_io_submit, sys_io_submit, "xlp"},
    {__NR_io_getevents, sys_io_getevents, "xllpp"},
    {__NR_io_pgetevents, sys_io_pgetevents, "xllppp"},
    {__NR_io_cancel, sys_io_cancel, "xpp"},
};

}  // namespace

std::span<const SyscallSpec> aio_syscalls() { return kSpecs; }

}  // namespace cella::syscall
