// Capabilities: capget/capset and the capability prctl calls, over the
// sets each process's Credentials keep (process/credentials.h).
#include <asm-generic/errno.h>
#include <asm/unistd.h>
#include <linux/prctl.h>

#include "libos/mm/user_memory.h"
#include "libos/process/current.h"
#include "libos/process/process_table.h"
#include "syscall.h"

namespace cella::syscall {
namespace {

using process::Credentials;
using process::current_process;

constexpr std::uint32_t kVersion1 = 0x19980330, kVersion2 = 0x20071026, kVersion3 = 0x20080522;

struct CapHeader {
    std::uint32_t version;
    std::int32_t pid;
};
struct CapData {
    std::uint32_t effective, permitted, inheritable;
};

// The number of 32-bit CapData words a version carries; 0 for an unknown
// version, which is answered with the version the kernel prefers.
Result<int> words_of(std::uint64_t header_address, CapHeader& header) {
    header = TRY(mm::read_user<CapHeader>(header_address));
    if (header.version == kVersion1) return 1;
    if (header.version == kVersion2 || header.version == kVersion3) return 2;
    TRY(mm::write_user(header_address, kVersion3));
    return 0;
}

Result<long> sys_capget(SyscallArgs& a) {
    CapHeader header;
    int words = TRY(words_of(a.address(0), header));
    if (!words) return a.address(1) ? Result<long>(Error::from_errno(EINVAL)) : 0;
    if (header.pid < 0) return Error::from_errno(EINVAL);
    base::RefPtr<process::Process> target =
        header.pid == 0 ? base::RefPtr<process::Process>(&current_process())
                        : process::process_table().find_process(header.pid);
    if (!target) return Error::from_errno(ESRCH);
    if (!a.address(1)) return 0;
    Credentials::Capabilities caps;
    {
        base::ScopedLock guard(target->credentials_lock());
        caps = target->credentials.capabilities();
    }
    CapData data[2];
    for (int i = 0; i < 2; ++i)
        data[i] = {static_cast<std::uint32_t>(caps.effective >> (32 * i)),
                   static_cast<std::uint32_t>(caps.permitted >> (32 * i)),
                   static_cast<std::uint32_t>(caps.inheritable >> (32 * i))};
    TRY(mm::copy_to_user(a.address(1), data, sizeof(CapData) * static_cast<std::size_t>(words)));
    return 0;
}

Result<long> sys_capset(SyscallArgs& a) {
    CapHeader header;
    int words = TRY(words_of(a.address(0), header));
    if (!words) return Error::from_errno(EINVAL);
    // Only the caller's own sets may change.
    if (header.pid != 0 && header.pid != current_process().pid()) return Error::from_errno(EPERM);
    CapData data[2] = {};
    TRY(mm::copy_from_user(data, a.address(1), sizeof(CapData) * static_cast<std::size_t>(words)));
    auto join = [&](std::uint32_t CapData::*field) {
        return std::uint64_t{data[0].*field} | std::uint64_t{data[1].*field} << 32;
    };
    process::Process& self = current_process();
    base::ScopedLock guard(self.credentials_lock());
    TRY(self.credentials.set_capabilities(join(&CapData::effective), join(&CapData::permitted),
                                          join(&CapData::inheritable)));
    return 0;
}

constexpr SyscallSpec kSpecs[] = {
    {__NR_capget, sys_capget, "pp"},
    {__NR_capset, sys_capset, "pp"},
};

}  // namespace

std::span<const SyscallSpec> capability_syscalls() { return kSpecs; }

Result<long> capability_prctl(int option, std::uint64_t arg2, std::uint64_t arg3) {
    process::Process& self = current_process();
    base::ScopedLock guard(self.credentials_lock());
    Credentials& credentials = self.credentials;
    auto valid = [](std::uint64_t capability) { return capability <= Credentials::kLastCapability; };
    switch (option) {
    case PR_CAPBSET_READ:
        if (!valid(arg2)) return Error::from_errno(EINVAL);
        return (credentials.capabilities().bounding >> arg2) & 1;
    case PR_CAPBSET_DROP:
        TRY(credentials.drop_bounding(static_cast<int>(arg2 > 0x7fffffff ? -1 : arg2)));
        return 0;
    case PR_GET_KEEPCAPS: return credentials.keep_capabilities ? 1 : 0;
    case PR_SET_KEEPCAPS:
        if (arg2 > 1) return Error::from_errno(EINVAL);
        credentials.keep_capabilities = arg2;
        return 0;
    case PR_GET_SECUREBITS: return credentials.keep_capabilities ? 1 << 4 : 0;  // SECBIT_KEEP_CAPS
    case PR_CAP_AMBIENT:
        switch (arg2) {
        case PR_CAP_AMBIENT_IS_SET:
            if (!valid(arg3)) return Error::from_errno(EINVAL);
            return (credentials.capabilities().ambient >> arg3) & 1;
        case PR_CAP_AMBIENT_RAISE:
        case PR_CAP_AMBIENT_LOWER:
            if (!valid(arg3)) return Error::from_errno(EINVAL);
            TRY(credentials.set_ambient(static_cast<int>(arg3), arg2 == PR_CAP_AMBIENT_RAISE));
            return 0;
        case PR_CAP_AMBIENT_CLEAR_ALL:
            if (arg3) return Error::from_errno(EINVAL);
            credentials.clear_ambient();
            return 0;
        default: return Error::from_errno(EINVAL);
        }
    default: return Error::from_errno(EINVAL);
    }
}

}  // namespace cella::syscall
