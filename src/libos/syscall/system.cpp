// System-wide calls: sysinfo, host and domain names, the kernel log,
// personality, chroot, and the privileged calls that reach beyond the
// enclave (the host's clock, mounts, namespaces, swap, reboot, I/O ports),
// which answer as Linux answers a process without the capability needed.
#include <asm-generic/errno.h>
#include <asm/unistd.h>
#include <linux/time.h>

#include "libos/fs/file_ops.h"
#include "libos/host/host.h"
#include "libos/mm/user_memory.h"
#include "libos/process/current.h"
#include "libos/process/system_stats.h"
#include "libos/runtime/log.h"
#include "libos/runtime/system_info.h"
#include "syscall.h"
#include "syscall_names.h"

namespace cella::syscall {
namespace {

using process::current_process;

constexpr int kCapSysChroot = 18, kCapSysAdmin = 21, kCapSyslog = 34;

bool capable(int capability) {
    process::Process& self = current_process();
    base::ScopedLock guard(self.credentials_lock());
    return self.credentials.has_capability(capability);
}


struct Sysinfo {
    std::int64_t uptime;
    std::uint64_t loads[3];
    std::uint64_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
    std::uint16_t procs;
    std::uint16_t pad;
    std::uint64_t totalhigh, freehigh;
    std::uint32_t mem_unit;
    char reserved[4];
};
static_assert(sizeof(Sysinfo) == 112);

Result<long> sys_sysinfo(SyscallArgs& a) {
    Sysinfo info{};
    std::int64_t seconds = 0, nanoseconds = 0;
    TRY(host::clock_gettime(CLOCK_BOOTTIME, seconds, nanoseconds));
    info.uptime = seconds + (nanoseconds ? 1 : 0);  // Linux rounds up
    process::LoadAverages loads = TRY(process::load_averages());
    for (int i = 0; i < 3; ++i) info.loads[i] = loads.load[i];
    process::MemoryUsage memory = process::memory_usage();
    info.totalram = memory.total;
    info.freeram = memory.free();
    std::uint64_t threads = process::thread_total();
    info.procs = static_cast<std::uint16_t>(threads > 0xffff ? 0xffff : threads);
    info.mem_unit = 1;
    TRY(mm::write_user(a.address(0), info));
    return 0;
}

Result<long> set_node_name(SyscallArgs& a, void (*set)(std::string_view)) {
    std::int64_t length = static_cast<std::int64_t>(a.arg[1]);
    if (length < 0 || length > 64) return Error::from_errno(EINVAL);
    if (!capable(kCapSysAdmin)) return Error::from_errno(EPERM);
    char name[64];
    TRY(mm::copy_from_user(name, a.address(0), static_cast<std::size_t>(length)));
    set(std::string_view(name, static_cast<std::size_t>(length)));
    return 0;
}
Result<long> sys_sethostname(SyscallArgs& a) { return set_node_name(a, runtime::set_hostname); }
Result<long> sys_setdomainname(SyscallArgs& a) { return set_node_name(a, runtime::set_domainname); }

// The enclave keeps no kernel log: reading it finds nothing.
Result<long> sys_syslog(SyscallArgs& a) {
    enum { kClose, kOpen, kRead, kReadAll, kReadClear, kClear, kConsoleOff, kConsoleOn, kConsoleLevel,
           kSizeUnread, kSizeBuffer };
    constexpr long kBufferSize = 1 << 17;  // what Linux reports by default (CONFIG_LOG_BUF_SHIFT 17)
    int type = a.integer(0);
    if (type < kClose || type > kSizeBuffer) return Error::from_errno(EINVAL);
    // Debian's kernel.dmesg_restrict = 1: reading needs CAP_SYSLOG.
    if (type != kClose && type != kOpen && !capable(kCapSyslog) && !capable(kCapSysAdmin))
        return Error::from_errno(EPERM);
    switch (type) {
    case kRead:
    case kReadAll:
    case kReadClear:
        if (a.integer(2) < 0) return Error::from_errno(EINVAL);
        if (a.integer(2) && !a.address(1)) return Error::from_errno(EINVAL);
        return 0;
    case kConsoleLevel:
        if (a.integer(2) < 1 || a.integer(2) > 8) return Error::from_errno(EINVAL);
        return 0;
    case kSizeBuffer: return kBufferSize;
    default: return 0;
    }
}

Result<long> sys_personality(SyscallArgs& a) {
    process::Process& self = current_process();
    std::uint32_t old = self.personality;
    std::uint32_t wanted = static_cast<std::uint32_t>(a.arg[0]);
    if (wanted != 0xffffffffu) self.personality = wanted;
    return old;
}

Result<long> sys_chroot(SyscallArgs& a) {
    base::String path = TRY(mm::copy_string_from_user(a.address(0)));
    if (!capable(kCapSysChroot)) {
        // Linux resolves first: a missing path is ENOENT even without the capability.
        TRY(fs::lookup_at(current_process(), -100 /* AT_FDCWD */, path.view(), 0));
        return Error::from_errno(EPERM);
    }
    TRY(fs::change_root(current_process(), path.view()));
    return 0;
}

// The host's clock is not the enclave's to set.
Result<long> sys_settimeofday(SyscallArgs& a) {
    if (!a.address(0) && !a.address(1)) return 0;
    if (a.address(0)) {
        struct { std::int64_t seconds, microseconds; } value = TRY(mm::read_user<decltype(value)>(a.address(0)));
        if (value.microseconds < 0 || value.microseconds >= 1000000 || value.seconds < 0)
            return Error::from_errno(EINVAL);
    }
    return refuse(a.nr, EPERM, "setting the host's clock is refused (EPERM)");
}

Result<long> sys_clock_settime(SyscallArgs& a) {
    int clock = a.integer(0);
    if (clock != CLOCK_REALTIME) return Error::from_errno(EINVAL);  // only CLOCK_REALTIME can be set
    struct { std::int64_t seconds, nanoseconds; } value = TRY(mm::read_user<decltype(value)>(a.address(1)));
    if (value.nanoseconds < 0 || value.nanoseconds >= 1000000000 || value.seconds < 0)
        return Error::from_errno(EINVAL);
    return refuse(a.nr, EPERM, "setting the host's clock is refused (EPERM)");
}

// struct timex is 208 bytes; modes is its first field.
constexpr std::size_t kTimexSize = 208;
constexpr std::uint32_t kAdjOffsetSsRead = 0xa001;

Result<long> adjust_time(SyscallArgs& a, std::uint64_t address) {
    std::uint8_t timex[kTimexSize];
    TRY(mm::copy_from_user(timex, address, sizeof timex));
    std::uint32_t modes;
    __builtin_memcpy(&modes, timex, sizeof modes);
    if (modes != 0 && modes != kAdjOffsetSsRead)
        return refuse(a.nr, EPERM, "adjusting the host's clock is refused (EPERM)");
    std::uint8_t host_timex[kTimexSize] = {};
    int state = TRY(host::read_time_state(host_timex));
    __builtin_memcpy(host_timex, &modes, sizeof modes);
    TRY(mm::copy_to_user(address, host_timex, sizeof host_timex));
    return state;
}

Result<long> sys_adjtimex(SyscallArgs& a) { return adjust_time(a, a.address(0)); }

Result<long> sys_clock_adjtime(SyscallArgs& a) {
    int clock = a.integer(0);
    if (clock < 0 || clock > CLOCK_TAI) return Error::from_errno(EINVAL);
    // Only the real-time clock is adjustable, on Linux as here.
    if (clock != CLOCK_REALTIME) return Error::from_errno(EOPNOTSUPP);
    return adjust_time(a, a.address(1));
}

Result<long> sys_iopl(SyscallArgs& a) {
    unsigned level = static_cast<unsigned>(a.arg[0]);
    if (level > 3) return Error::from_errno(EINVAL);
    if (level == 0) return 0;
    return refuse(a.nr, EPERM, "I/O port access is the host's; EPERM");
}

Result<long> sys_ioperm(SyscallArgs& a) {
    std::uint64_t from = a.arg[0], count = a.arg[1];
    if (from + count < from || from + count > 65536) return Error::from_errno(EINVAL);
    if (!a.arg[2]) return 0;  // giving up access it never had
    return refuse(a.nr, EPERM, "I/O port access is the host's; EPERM");
}

Result<long> sys_unshare(SyscallArgs& a) {
    constexpr std::uint64_t kFiles = 0x400, kFs = 0x200, kSysvsem = 0x40000, kNamespaces = 0x7e020000,
                            kThread = 0x10000, kSighand = 0x800, kVm = 0x100;
    std::uint64_t flags = a.arg[0];
    if (flags & ~(kFiles | kFs | kSysvsem | kNamespaces | kThread | kSighand | kVm)) return Error::from_errno(EINVAL);
    if (flags & kNamespaces) return refuse(a.nr, EPERM, "namespaces are not supported; EPERM");
    // Every process already has its own fd table, cwd and SysV undo list;
    // a thread, signal handler or memory share other threads hold is EINVAL.
    if ((flags & (kThread | kSighand | kVm)) && current_process().thread_count() > 1)
        return Error::from_errno(EINVAL);
    return 0;
}

Result<long> sys_setns(SyscallArgs& a) {
    TRY(current_process().fds().get(a.fd(0)));
    return refuse(a.nr, EPERM, "namespaces are not supported; EPERM");
}

Result<long> sys_reboot(SyscallArgs& a) { return refuse(a.nr, EPERM, kHostWide); }
Result<long> sys_host_wide(SyscallArgs& a) { return refuse(a.nr, EPERM, kHostWide); }

constexpr SyscallSpec kSpecs[] = {
    {__NR_sysinfo, sys_sysinfo, "p"},
    {__NR_sethostname, sys_sethostname, "bu"},
    {__NR_setdomainname, sys_setdomainname, "bu"},
    {__NR_syslog, sys_syslog, "dpd"},
    {__NR_personality, sys_personality, "x"},
    {__NR_chroot, sys_chroot, "s"},
    {__NR_settimeofday, sys_settimeofday, "pp"},
    {__NR_clock_settime, sys_clock_settime, "dp"},
    {__NR_adjtimex, sys_adjtimex, "p"},
    {__NR_clock_adjtime, sys_clock_adjtime, "dp"},
    {__NR_iopl, sys_iopl, "d"},
    {__NR_ioperm, sys_ioperm, "uud"},
    {__NR_unshare, sys_unshare, "x"},
    {__NR_setns, sys_setns, "dx"},
    {__NR_reboot, sys_reboot, "xxxp"},
    {__NR_acct, sys_host_wide, "s"},
    {__NR_swapon, sys_host_wide, "sx"},
    {__NR_swapoff, sys_host_wide, "s"},
    {__NR_mount, sys_host_wide, "sssxp"},
    {__NR_umount2, sys_host_wide, "sx"},
    {__NR_pivot_root, sys_host_wide, "ss"},
    {__NR_quotactl, sys_host_wide, "xsdp"},
    {__NR_vhangup, sys_host_wide, ""},
};

}  // namespace

std::span<const SyscallSpec> system_syscalls() { return kSpecs; }

}  // namespace cella::syscall
