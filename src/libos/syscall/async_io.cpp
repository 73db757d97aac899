#include "async_io.h"

#include <asm-generic/errno.h>
#include <linux/fcntl.h>

#include "libos/mm/user_memory.h"
#include "libos/process/process_table.h"
#include "libos/process/signals.h"

namespace cella::syscall {
namespace {

using base::Error;

struct OwnerEx {
    int type;
    int pid;
};

// Linux's find_vpid: some thread, process or group has that number.
bool id_exists(fs::OwnerType type, int id) {
    process::ProcessTable& table = process::process_table();
    if (type == fs::OwnerType::ProcessGroup) {
        bool found = false;
        table.for_each_process([&](process::Process& process) { found |= process.pgid == id; });
        if (found) return true;
    }
    base::ScopedLock guard(table.lock());
    return table.find_thread(id) != nullptr;
}

base::Result<long> set_owner(fs::OpenFile& file, fs::OwnerType type, int id) {
    if (id != 0 && !id_exists(type, id)) return Error::from_errno(ESRCH);
    fs::AsyncOwner owner = file.async_owner();
    owner.type = type;
    owner.id = id;
    file.set_async_owner(owner);
    return 0;
}

}  // namespace

base::Result<long> fcntl_owner(fs::OpenFile& file, int command, std::uint64_t arg) {
    switch (command) {
    case kFSetOwn: {
        int who = static_cast<int>(arg);
        if (who == static_cast<int>(0x80000000u)) return Error::from_errno(EINVAL);
        return set_owner(file, who < 0 ? fs::OwnerType::ProcessGroup : fs::OwnerType::Process, who < 0 ? -who : who);
    }
    case kFGetOwn: {
        fs::AsyncOwner owner = file.async_owner();
        return owner.type == fs::OwnerType::ProcessGroup ? -owner.id : owner.id;
    }
    case kFSetOwnEx: {
        OwnerEx wanted = TRY(mm::read_user<OwnerEx>(arg));
        if (wanted.type < 0 || wanted.type > 2) return Error::from_errno(EINVAL);
        return set_owner(file, static_cast<fs::OwnerType>(wanted.type), wanted.pid);
    }
    case kFGetOwnEx: {
        fs::AsyncOwner owner = file.async_owner();
        TRY(mm::write_user(arg, OwnerEx{static_cast<int>(owner.type), owner.id}));
        return 0;
    }
    case kFSetSig: {
        if (arg > static_cast<std::uint64_t>(process::kMaxSignal)) return Error::from_errno(EINVAL);
        fs::AsyncOwner owner = file.async_owner();
        owner.signal = static_cast<int>(arg);
        file.set_async_owner(owner);
        return 0;
    }
    case kFGetSig: return file.async_owner().signal;
    default: return Error::from_errno(EINVAL);
    }
}

base::Result<void> set_async_flag(fs::OpenFile& file, int fd, bool on) {
    if (on != bool(file.flags() & FASYNC) && file.accepts_async()) TRY(file.set_async(on, fd));
    file.set_status_flags(on ? file.flags() | FASYNC : file.flags() & ~FASYNC);
    return {};
}

}  // namespace cella::syscall
