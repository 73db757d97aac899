// File lock syscalls: flock, and fcntl's record-lock commands (called by
// sys_fcntl). Decode and check struct flock, call fs/locks.
#include <asm-generic/errno.h>
#include <asm/unistd.h>
#include <linux/fcntl.h>
#include <linux/fs.h>

#include "libos/fs/fd_table.h"
#include "libos/fs/locks/file_locks.h"
#include "libos/fs/open_file.h"
#include "libos/mm/user_memory.h"
#include "libos/process/current.h"
#include "syscall.h"

namespace cella::syscall {
namespace {

using base::RefPtr;
using fs::OpenFile;
using fs::locks::LockRange;
using fs::locks::LockType;

// x86-64's struct flock (the same as struct flock64 there).
struct LinuxFlock {
    std::int16_t type;
    std::int16_t whence;
    std::int64_t start;
    std::int64_t length;
    std::int32_t pid;
};
static_assert(sizeof(LinuxFlock) == 32);

// The range a struct flock names, against the file's offset and size.
Result<LockRange> range_of(OpenFile& file, const LinuxFlock& request) {
    std::int64_t position = 0, size = 0;
    if (request.whence == SEEK_CUR) {
        auto here = file.seek(0, SEEK_CUR);
        if (!here.is_error()) position = here.value();  // a pipe's is 0, as Linux's f_pos
    } else if (request.whence == SEEK_END) {
        size = static_cast<std::int64_t>(TRY(file.stat()).size);
    }
    return fs::locks::range_from_flock(request.whence, request.start, request.length, position, size);
}

Result<long> get_lock(OpenFile& file, bool ofd, std::uint64_t address) {
    LinuxFlock request = TRY(mm::read_user<LinuxFlock>(address));
    if (request.type != F_RDLCK && request.type != F_WRLCK) return Error::from_errno(EINVAL);
    LockRange range = TRY(range_of(file, request));
    if (ofd && request.pid != 0) return Error::from_errno(EINVAL);
    fs::locks::LockOwner owner =
        ofd ? fs::locks::ofd_owner(file) : fs::locks::posix_owner(process::current_process().fds());
    auto conflict = TRY(fs::locks::test_record_lock(file, owner, request.type == F_WRLCK ? LockType::Write
                                                                                        : LockType::Read, range));
    if (!conflict) {
        request.type = F_UNLCK;  // the other fields stay as given, as on Linux
    } else {
        request.type = conflict->type == LockType::Write ? F_WRLCK : F_RDLCK;
        request.whence = SEEK_SET;
        request.start = static_cast<std::int64_t>(conflict->range.start);
        request.length = fs::locks::flock_length(conflict->range);
        request.pid = conflict->pid;
    }
    TRY(mm::write_user(address, request));
    return 0;
}

Result<long> set_lock(OpenFile& file, bool ofd, bool wait, std::uint64_t address) {
    LinuxFlock request = TRY(mm::read_user<LinuxFlock>(address));
    LockRange range = TRY(range_of(file, request));
    std::optional<LockType> type;
    switch (request.type) {
    case F_RDLCK:
        if (!file.readable()) return Error::from_errno(EBADF);
        type = LockType::Read;
        break;
    case F_WRLCK:
        if (!file.writable()) return Error::from_errno(EBADF);
        type = LockType::Write;
        break;
    case F_UNLCK: break;
    default: return Error::from_errno(EINVAL);
    }
    if (ofd && request.pid != 0) return Error::from_errno(EINVAL);
    process::Process& self = process::current_process();
    fs::locks::LockOwner owner = ofd ? fs::locks::ofd_owner(file) : fs::locks::posix_owner(self.fds());
    TRY(fs::locks::set_record_lock(file, owner, self.pid(), type, range, wait));
    return 0;
}

Result<long> sys_flock(SyscallArgs& a) {
    RefPtr<OpenFile> file = TRY(process::current_process().fds().get(a.fd(0)));
    int operation = a.integer(1);
    // Linux 5.15 dropped LOCK_MAND and accepts it as a no-op (with a warning).
    if (operation & LOCK_MAND) return 0;
    if ((operation & ~LOCK_NB) != LOCK_UN && file->path_only()) return Error::from_errno(EBADF);
    TRY(fs::locks::flock(*file, operation));
    return 0;
}

constexpr SyscallSpec kSpecs[] = {
    {__NR_flock, sys_flock, "dx"},
};

}  // namespace

Result<long> fcntl_record_lock(OpenFile& file, int command, std::uint64_t address) {
    if (file.path_only()) return Error::from_errno(EBADF);
    switch (command) {
    case F_GETLK: return get_lock(file, false, address);
    case F_OFD_GETLK: return get_lock(file, true, address);
    case F_SETLK: return set_lock(file, false, false, address);
    case F_SETLKW: return set_lock(file, false, true, address);
    case F_OFD_SETLK: return set_lock(file, true, false, address);
    case F_OFD_SETLKW: return set_lock(file, true, true, address);
    default: return Error::from_errno(EINVAL);
    }
}

std::span<const SyscallSpec> locks_syscalls() { return kSpecs; }

}  // namespace cella::syscall
