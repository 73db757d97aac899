// File-to-file transfers (sendfile, splice, tee, copy_file_range) and the
// sync family: decode, check, call fs/transfer.
#include <asm-generic/errno.h>
#include <asm/unistd.h>

#include "libos/fs/transfer.h"
#include "libos/mm/user_memory.h"
#include "libos/process/current.h"
#include "fs_args.h"
#include "syscall.h"

namespace cella::syscall {
namespace {

using base::RefPtr;
using fs::OpenFile;


// An offset the application passes by pointer: read before, written back after.
class OffsetArg {
public:
    explicit OffsetArg(std::uint64_t address) : address_(address) {}
    Result<void> fetch() {
        if (address_) value_ = TRY(mm::read_user<std::int64_t>(address_));
        return {};
    }
    std::int64_t* pointer() { return address_ ? &value_ : nullptr; }
    Result<void> store() {
        if (address_) TRY(mm::write_user(address_, value_));
        return {};
    }

private:
    std::uint64_t address_;
    std::int64_t value_ = 0;
};

Result<long> finish(Result<std::size_t> moved, OffsetArg& first, OffsetArg* second = nullptr) {
    if (moved.is_error()) return moved.error();
    TRY(first.store());
    if (second) TRY(second->store());
    return static_cast<long>(moved.value());
}

// sendfile(out_fd, in_fd, offset*, count)
Result<long> sys_sendfile(SyscallArgs& a) {
    RefPtr<OpenFile> in = TRY(file_of(a.fd(1)));
    OffsetArg offset(a.address(2));
    TRY(offset.fetch());
    RefPtr<OpenFile> out = TRY(file_of(a.fd(0)));
    return finish(fs::send_file({*in, offset.pointer()}, {*out, nullptr}, clamp_count(a.size(3))), offset);
}

// splice(fd_in, off_in*, fd_out, off_out*, len, flags)
Result<long> sys_splice(SyscallArgs& a) {
    if (a.size(4) == 0) return 0;
    unsigned flags = static_cast<unsigned>(a.arg[5]);
    if (flags & ~fs::kSpliceAll) return Error::from_errno(EINVAL);
    RefPtr<OpenFile> in = TRY(file_of(a.fd(0)));
    RefPtr<OpenFile> out = TRY(file_of(a.fd(2)));
    OffsetArg in_offset(a.address(1)), out_offset(a.address(3));
    TRY(in_offset.fetch());
    TRY(out_offset.fetch());
    return finish(fs::splice({*in, in_offset.pointer()}, {*out, out_offset.pointer()}, clamp_count(a.size(4)), flags),
                  in_offset, &out_offset);
}

// tee(fd_in, fd_out, len, flags)
Result<long> sys_tee(SyscallArgs& a) {
    unsigned flags = static_cast<unsigned>(a.arg[3]);
    if (flags & ~fs::kSpliceAll) return Error::from_errno(EINVAL);
    if (a.size(2) == 0) return 0;
    RefPtr<OpenFile> in = TRY(file_of(a.fd(0)));
    RefPtr<OpenFile> out = TRY(file_of(a.fd(1)));
    return static_cast<long>(TRY(fs::tee(*in, *out, clamp_count(a.size(2)), flags)));
}

// copy_file_range(fd_in, off_in*, fd_out, off_out*, len, flags)
Result<long> sys_copy_file_range(SyscallArgs& a) {
    if (a.arg[5] != 0) return Error::from_errno(EINVAL);
    RefPtr<OpenFile> in = TRY(file_of(a.fd(0)));
    RefPtr<OpenFile> out = TRY(file_of(a.fd(2)));
    OffsetArg in_offset(a.address(1)), out_offset(a.address(3));
    TRY(in_offset.fetch());
    TRY(out_offset.fetch());
    return finish(fs::copy_file_range({*in, in_offset.pointer()}, {*out, out_offset.pointer()}, clamp_count(a.size(4))),
                  in_offset, &out_offset);
}

// Every file system in the enclave is in memory or read-only: there is
// nothing to write back, but Linux's refusals still hold.
Result<long> sys_fsync(SyscallArgs& a) {
    RefPtr<OpenFile> file = TRY(file_of(a.fd(0)));
    TRY(fs::check_syncable(*file));
    return 0;
}

Result<long> sys_syncfs(SyscallArgs& a) {
    TRY(file_of(a.fd(0)));
    return 0;
}

Result<long> sys_sync(SyscallArgs&) { return 0; }

// sync_file_range(fd, offset, nbytes, flags): the fd, the arguments, then the kind of file.
Result<long> sys_sync_file_range(SyscallArgs& a) {
    RefPtr<OpenFile> file = TRY(file_of(a.fd(0)));
    constexpr unsigned kValidFlags = 1 | 2 | 4;  // WAIT_BEFORE | WRITE | WAIT_AFTER
    auto offset = static_cast<std::int64_t>(a.arg[1]);
    auto nbytes = static_cast<std::int64_t>(a.arg[2]);
    std::int64_t end;
    if ((a.arg[3] & ~std::uint64_t{kValidFlags}) || offset < 0 || nbytes < 0 ||
        __builtin_add_overflow(offset, nbytes, &end))
        return Error::from_errno(EINVAL);
    TRY(fs::check_range_syncable(*file));
    return 0;
}

constexpr SyscallSpec kSpecs[] = {
    {__NR_sendfile, sys_sendfile, "ddpu"},
    {__NR_splice, sys_splice, "dpdpux"},
    {__NR_tee, sys_tee, "ddux"},
    {__NR_copy_file_range, sys_copy_file_range, "dpdpux"},
    {__NR_fsync, sys_fsync, "d"},
    {__NR_fdatasync, sys_fsync, "d"},
    {__NR_syncfs, sys_syncfs, "d"},
    {__NR_sync, sys_sync, ""},
    {__NR_sync_file_range, sys_sync_file_range, "dllx"},
};

}  // namespace

std::span<const SyscallSpec> transfer_syscalls() { return kSpecs; }

}  // namespace cella::syscall
