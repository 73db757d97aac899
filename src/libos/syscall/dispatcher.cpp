#include <asm-generic/errno.h>

#include "libos/runtime/log.h"
#include "strace.h"
#include "syscall.h"
#include "syscall_names.h"

namespace cella::syscall {
namespace {

struct Entry {
    Handler handler;
    const char* strace_args;
};

Entry g_table[kSyscallCount];
bool g_strace = false;
// Unknown syscalls are logged once each: a bit per known number, a short
// list for numbers past the table.
std::uint64_t g_reported_unknown[(kSyscallCount + 63) / 64];
long g_reported_outside[16];
std::size_t g_reported_outside_count = 0;

bool first_report_outside(long nr) {
    for (std::size_t i = 0; i < g_reported_outside_count; ++i)
        if (g_reported_outside[i] == nr) return false;
    if (g_reported_outside_count < sizeof g_reported_outside / sizeof g_reported_outside[0])
        g_reported_outside[g_reported_outside_count++] = nr;
    return true;
}

void install(std::span<const SyscallSpec> specs) {
    for (const SyscallSpec& spec : specs)
        if (spec.nr >= 0 && spec.nr < kSyscallCount) g_table[spec.nr] = {spec.handler, spec.strace_args};
}

long unknown(long nr) {
    if (nr >= 0 && nr < kSyscallCount) {
        std::uint64_t bit = std::uint64_t{1} << (nr % 64);
        if (!(g_reported_unknown[nr / 64] & bit)) {
            g_reported_unknown[nr / 64] |= bit;
            const char* name = syscall_name(nr);
            log::debug("unsupported syscall %s (%ld): returning ENOSYS", name ? name : "(unnamed)", nr);
        }
    } else if (first_report_outside(nr)) {
        log::debug("unsupported syscall number %ld: returning ENOSYS", nr);
    }
    return -ENOSYS;
}

}  // namespace

void init_dispatcher(bool strace) {
    g_strace = strace;
    install(fs_syscalls());
    install(fs_node_syscalls());
    install(fs_attr_syscalls());
    install(notify_syscalls());
    install(mm_syscalls());
    install(process_syscalls());
    install(misc_syscalls());
    install(thread_syscalls());
    install(signal_syscalls());
    install(time_syscalls());
    install(ipc_syscalls());
    install(exec_syscalls());
    install(sysv_ipc_syscalls());
    install(vectored_syscalls());
    install(transfer_syscalls());
    install(open_syscalls());
    install(file_space_syscalls());
    install(locks_syscalls());
    install(aio_syscalls());
    install(kernel_feature_syscalls());
    install(numa_syscalls());
    install(process_access_syscalls());
    install(futex_waitv_syscalls());
    install(fs_info_syscalls());
    install(system_syscalls());
    install(sched_syscalls());
    install(capability_syscalls());
    install(memory_lock_syscalls());
    install(event_file_syscalls());
    install(mount_api_syscalls());
    install(socket_syscalls());
    install(socket_message_syscalls());
}

long dispatch(SyscallArgs& args) {
    long nr = args.nr;
    const Entry* entry = (nr >= 0 && nr < kSyscallCount && g_table[nr].handler) ? &g_table[nr] : nullptr;
    if (g_strace) strace_before(args, entry ? entry->strace_args : nullptr);
    long value;
    if (!entry) {
        value = unknown(nr);
    } else {
        Result<long> result = entry->handler(args);
        value = result.is_error() ? -static_cast<long>(result.error().code()) : result.value();
    }
    if (g_strace) strace_after(args, entry ? entry->strace_args : nullptr, value);
    return value;
}

}  // namespace cella::syscall
