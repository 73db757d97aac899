#include "system_files.h"

#include <linux/utsname.h>

#include "clocks.h"
#include "libos/fs/notify/inotify.h"
#include "libos/host/host.h"
#include "libos/ipc/pipe.h"
#include "libos/mm/memory_ops.h"
#include "libos/net/unix_socket.h"
#include "libos/process/credentials.h"
#include "libos/process/resource_limits.h"
#include "libos/mm/address_space.h"
#include "libos/mm/heap.h"
#include "libos/process/current.h"
#include "libos/process/exec.h"
#include "libos/process/system_stats.h"
#include "libos/runtime/system_info.h"
#include "mappings.h"
#include "process_info.h"

namespace cella::fs::procfs {
namespace {

constexpr int kPidMax = 4194304;  // Linux's limit on 64-bit machines (PID_MAX_LIMIT)
constexpr int kLastCapability = 40;  // CAP_CHECKPOINT_RESTORE

// CPUID leaf 1's EDX, which the host passes on as AT_HWCAP, by bit, in the
// names Linux gives them. The LibOS does not run CPUID itself (an SGX
// enclave cannot), so the flags of later leaves (avx2, ...) are not known.
constexpr const char* kHwcapFlagNames[32] = {
    "fpu",  "vme",  "de",  "pse",  "tsc",  "msr",   "pae",  "mce",      // 0-7
    "cx8",  "apic", nullptr, "sep", "mtrr", "pge",  "mca",  "cmov",     // 8-15
    "pat",  "pse36", "pn", "clflush", nullptr, "dts", "acpi", "mmx",   // 16-23
    "fxsr", "sse",  "sse2", "ss",  "ht",   "tm",    "ia64", "pbe",      // 24-31
};
constexpr std::uint64_t kHwcap2Fsgsbase = 1u << 1;  // HWCAP2_FSGSBASE

std::uint64_t memory_total() { return process::memory_usage().total; }

Result<void> host_uname(new_utsname& name) {
    name = {};
    TRY(host::uname(&name));
    // The host's strings are not trusted to be terminated.
    name.release[sizeof name.release - 1] = '\0';
    name.version[sizeof name.version - 1] = '\0';
    return {};
}

Result<void> append_line(TextBuilder& out, std::string_view text) {
    TRY(out.append(text));
    return out.append('\n');
}

// /proc/sys/kernel/random/boot_id: made at boot, the same for every reader.
std::uint8_t g_boot_id[16] = {};

// A version 4 (random) UUID in its text form, with a newline.
Result<void> append_uuid(TextBuilder& out, const std::uint8_t (&raw)[16]) {
    std::uint8_t b[16];
    for (int i = 0; i < 16; ++i) b[i] = raw[i];
    b[6] = static_cast<std::uint8_t>((b[6] & 0x0f) | 0x40);
    b[8] = static_cast<std::uint8_t>((b[8] & 0x3f) | 0x80);
    return out.appendf("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x\n", b[0], b[1], b[2],
                       b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

Result<void> append_meminfo(TextBuilder& out, const char* label, std::uint64_t bytes) {
    return out.appendf("%-16s%8lu kB\n", label, bytes >> 10);
}

}  // namespace

Result<void> generate_cpuinfo(const Subject&, TextBuilder& out) {
    std::uint32_t cpus = runtime::cpu_count();
    const process::MachineInfo& machine = process::machine_info();
    for (std::uint32_t cpu = 0; cpu < cpus; ++cpu) {
        TRY(out.appendf("processor\t: %u\nvendor_id\t: CellaEnclave\ncpu family\t: 6\nmodel\t\t: 0\n", cpu));
        TRY(out.append("model name\t: cella virtual CPU\nstepping\t: 0\nmicrocode\t: 0x0\n"));
        TRY(out.append("cpu MHz\t\t: 2000.000\ncache size\t: 4096 KB\n"));
        TRY(out.appendf("physical id\t: 0\nsiblings\t: %u\ncore id\t\t: %u\ncpu cores\t: %u\n", cpus, cpu, cpus));
        TRY(out.appendf("apicid\t\t: %u\ninitial apicid\t: %u\n", cpu, cpu));
        TRY(out.append("fpu\t\t: yes\nfpu_exception\t: yes\ncpuid level\t: 13\nwp\t\t: yes\nflags\t\t:"));
        for (std::uint32_t bit = 0; bit < 32; ++bit)
            if ((machine.hwcap & (std::uint64_t{1} << bit)) && kHwcapFlagNames[bit])
                TRY(out.appendf(" %s", kHwcapFlagNames[bit]));
        if (machine.hwcap2 & kHwcap2Fsgsbase) TRY(out.append(" fsgsbase"));
        TRY(out.append("\nbugs\t\t:\nbogomips\t: 4000.00\nclflush size\t: 64\ncache_alignment\t: 64\n"));
        TRY(out.append("address sizes\t: 46 bits physical, 48 bits virtual\npower management:\n\n"));
    }
    return {};
}

Result<void> generate_meminfo(const Subject&, TextBuilder& out) {
    process::MemoryUsage memory = process::memory_usage();
    std::uint64_t total = memory.total, used = memory.used, free = memory.free();
    std::uint64_t libos_heap = mm::kernel_heap().bytes_in_use();
    TRY(append_meminfo(out, "MemTotal:", total));
    TRY(append_meminfo(out, "MemFree:", free));
    TRY(append_meminfo(out, "MemAvailable:", free));
    TRY(append_meminfo(out, "Buffers:", 0));
    TRY(append_meminfo(out, "Cached:", 0));
    TRY(append_meminfo(out, "SwapCached:", 0));
    TRY(append_meminfo(out, "Active:", used));
    TRY(append_meminfo(out, "Inactive:", 0));
    TRY(append_meminfo(out, "Active(anon):", used));
    TRY(append_meminfo(out, "Inactive(anon):", 0));
    TRY(append_meminfo(out, "Active(file):", 0));
    TRY(append_meminfo(out, "Inactive(file):", 0));
    TRY(append_meminfo(out, "Unevictable:", 0));
    TRY(append_meminfo(out, "Mlocked:", 0));
    TRY(append_meminfo(out, "SwapTotal:", 0));
    TRY(append_meminfo(out, "SwapFree:", 0));
    TRY(append_meminfo(out, "Dirty:", 0));
    TRY(append_meminfo(out, "Writeback:", 0));
    TRY(append_meminfo(out, "AnonPages:", used));
    TRY(append_meminfo(out, "Mapped:", 0));
    TRY(append_meminfo(out, "Shmem:", 0));
    TRY(append_meminfo(out, "KReclaimable:", 0));
    // The LibOS's own heap plays the part of the kernel's slab.
    TRY(append_meminfo(out, "Slab:", libos_heap));
    TRY(append_meminfo(out, "SReclaimable:", 0));
    TRY(append_meminfo(out, "SUnreclaim:", libos_heap));
    TRY(append_meminfo(out, "KernelStack:", 0));
    TRY(append_meminfo(out, "PageTables:", 0));
    TRY(append_meminfo(out, "NFS_Unstable:", 0));
    TRY(append_meminfo(out, "Bounce:", 0));
    TRY(append_meminfo(out, "WritebackTmp:", 0));
    TRY(append_meminfo(out, "CommitLimit:", total));
    TRY(append_meminfo(out, "Committed_AS:", used));
    TRY(append_meminfo(out, "VmallocTotal:", std::uint64_t{34359738367} << 10));
    TRY(append_meminfo(out, "VmallocUsed:", 0));
    TRY(append_meminfo(out, "VmallocChunk:", 0));
    TRY(append_meminfo(out, "Percpu:", 0));
    TRY(append_meminfo(out, "HardwareCorrupted:", 0));
    TRY(append_meminfo(out, "AnonHugePages:", 0));
    TRY(out.append("HugePages_Total:       0\nHugePages_Free:        0\nHugePages_Rsvd:        0\n"
                   "HugePages_Surp:        0\n"));
    TRY(append_meminfo(out, "Hugepagesize:", 2048 << 10));
    TRY(append_meminfo(out, "Hugetlb:", 0));
    return {};
}

Result<void> generate_system_stat(const Subject&, TextBuilder& out) {
    Clocks clocks = TRY(read_clocks());
    std::uint32_t cpus = runtime::cpu_count();
    // The enclave's CPU time counts as user time; the rest of every CPU's
    // time since boot as idle. Each CPU line gets an equal share.
    std::uint64_t user = to_ticks(clocks.enclave_cpu_ns);
    std::uint64_t all = to_ticks(clocks.uptime_ns) * cpus;
    std::uint64_t idle = all > user ? all - user : 0;
    TRY(out.appendf("cpu  %lu 0 0 %lu 0 0 0 0 0 0\n", user, idle));
    for (std::uint32_t cpu = 0; cpu < cpus; ++cpu)
        TRY(out.appendf("cpu%u %lu 0 0 %lu 0 0 0 0 0 0\n", cpu, user / cpus, idle / cpus));
    base::Vector<int> pids = TRY(live_process_ids());
    std::uint64_t boot_ns = clocks.realtime_ns > clocks.uptime_ns ? clocks.realtime_ns - clocks.uptime_ns : 0;
    TRY(out.appendf("intr 0\nctxt 0\nbtime %lu\nprocesses %zu\nprocs_running 1\nprocs_blocked 0\n", boot_ns / 1000000000,
                    pids.size()));
    TRY(out.append("softirq 0 0 0 0 0 0 0 0 0 0 0\n"));
    return {};
}

Result<void> generate_uptime(const Subject&, TextBuilder& out) {
    Clocks clocks = TRY(read_clocks());
    std::uint64_t centiseconds = clocks.uptime_ns / 10000000;
    std::uint64_t cpu_centiseconds = clocks.enclave_cpu_ns / 10000000;
    std::uint64_t all = centiseconds * runtime::cpu_count();
    std::uint64_t idle = all > cpu_centiseconds ? all - cpu_centiseconds : 0;
    return out.appendf("%lu.%02lu %lu.%02lu\n", centiseconds / 100, centiseconds % 100, idle / 100, idle % 100);
}

Result<void> generate_loadavg(const Subject&, TextBuilder& out) {
    base::Vector<int> pids = TRY(live_process_ids());
    int last = pids.is_empty() ? 0 : pids.last();
    process::LoadAverages loads = TRY(process::load_averages());
    for (std::uint64_t load : loads.load) {
        // Two decimals, rounded as Linux's LOAD_INT/LOAD_FRAC do.
        std::uint64_t hundredths = (load * 100 + (1 << (process::kLoadShift - 1))) >> process::kLoadShift;
        TRY(out.appendf("%lu.%02lu ", hundredths / 100, hundredths % 100));
    }
    // No run queue is kept: the reader is the one running thread.
    return out.appendf("1/%lu %d\n", process::thread_total(), last);
}

Result<void> generate_version(const Subject&, TextBuilder& out) {
    new_utsname name;
    TRY(host_uname(name));
    return out.appendf("Linux version %s (cella@cella) (cella LibOS) %s\n", name.release, name.version);
}

Result<void> generate_hostname(const Subject&, TextBuilder& out) { return append_line(out, runtime::hostname().view()); }
// 1, as Debian sets it: reading the (empty) kernel log needs CAP_SYSLOG.
Result<void> generate_dmesg_restrict(const Subject&, TextBuilder& out) { return out.append("1\n"); }
Result<void> generate_domainname(const Subject&, TextBuilder& out) {
    return append_line(out, runtime::domainname().view());
}
Result<void> generate_ostype(const Subject&, TextBuilder& out) { return append_line(out, "Linux"); }

Result<void> generate_osrelease(const Subject&, TextBuilder& out) {
    new_utsname name;
    TRY(host_uname(name));
    return append_line(out, name.release);
}

Result<void> generate_kernel_version(const Subject&, TextBuilder& out) {
    new_utsname name;
    TRY(host_uname(name));
    return append_line(out, name.version);
}

Result<void> generate_pid_max(const Subject&, TextBuilder& out) { return out.appendf("%d\n", kPidMax); }

// Linux's default: one thread per 128 KiB of memory (8 kernel stacks'
// worth), between 20 and the largest tid a futex can hold.
Result<void> generate_threads_max(const Subject&, TextBuilder& out) {
    std::uint64_t threads = memory_total() / (128 << 10);
    if (threads < 20) threads = 20;
    if (threads > 0x3fffffff) threads = 0x3fffffff;
    return out.appendf("%lu\n", threads);
}

Result<void> generate_cap_last_cap(const Subject&, TextBuilder& out) { return out.appendf("%d\n", kLastCapability); }

// 0, Linux's heuristic overcommit: memory is committed when first touched.
Result<void> generate_overcommit_memory(const Subject&, TextBuilder& out) { return out.append("0\n"); }
Result<void> generate_max_map_count(const Subject&, TextBuilder& out) { return out.append("65530\n"); }

Result<void> generate_mmap_min_addr(const Subject&, TextBuilder& out) {
    return out.appendf("%lu\n", mm::kMmapMinAddress);
}

// setgroups(2) takes at most this many groups.
Result<void> generate_ngroups_max(const Subject&, TextBuilder& out) {
    return out.appendf("%zu\n", process::Credentials::kMaxGroups);
}

// No core files are written; this is the name Linux would give them.
Result<void> generate_core_pattern(const Subject&, TextBuilder& out) { return out.append("core\n"); }

// Linux's default console log levels; the LibOS keeps no kernel log.
Result<void> generate_printk(const Subject&, TextBuilder& out) { return out.append("4\t4\t1\t7\n"); }

// 3: no process may trace another (sys_ptrace refuses every attach).
Result<void> generate_ptrace_scope(const Subject&, TextBuilder& out) { return out.append("3\n"); }

Result<void> record_boot_id() {
    TRY(host::random_bytes({g_boot_id, sizeof g_boot_id}));
    return {};
}

Result<void> generate_boot_id(const Subject&, TextBuilder& out) { return append_uuid(out, g_boot_id); }

// A fresh random UUID on every read, as Linux's.
Result<void> generate_uuid(const Subject&, TextBuilder& out) {
    std::uint8_t bytes[16];
    TRY(host::random_bytes({bytes, sizeof bytes}));
    return append_uuid(out, bytes);
}

// Linux since 5.18: the pool is always full (random bytes come from the host's getrandom).
Result<void> generate_entropy_avail(const Subject&, TextBuilder& out) { return out.append("256\n"); }

// The largest capacity F_SETPIPE_SZ grants.
Result<void> generate_pipe_max_size(const Subject&, TextBuilder& out) {
    return out.appendf("%zu\n", ipc::kMaxPipeCapacity);
}

// No enclave-wide limit on open files: Linux shows LONG_MAX then.
Result<void> generate_file_max(const Subject&, TextBuilder& out) { return out.append("9223372036854775807\n"); }

// The ceiling setrlimit(RLIMIT_NOFILE) allows.
Result<void> generate_nr_open(const Subject&, TextBuilder& out) {
    return out.appendf("%lu\n", process::ResourceLimits::kMaxOpenFiles);
}

Result<void> generate_inotify_max_queued_events(const Subject&, TextBuilder& out) {
    return out.appendf("%zu\n", fs::notify::kMaxQueuedEvents);
}
Result<void> generate_inotify_max_user_instances(const Subject&, TextBuilder& out) {
    return out.appendf("%zu\n", fs::notify::kMaxUserInstances);
}
Result<void> generate_inotify_max_user_watches(const Subject&, TextBuilder& out) {
    return out.appendf("%zu\n", fs::notify::kMaxUserWatches);
}

// The backlog listen() allows at most (AF_UNIX sockets in the LibOS).
Result<void> generate_somaxconn(const Subject&, TextBuilder& out) { return out.appendf("%d\n", net::kMaxBacklog); }

Result<void> self_link_target(const Subject&, TextBuilder& out) {
    return out.appendf("%d", process::current_process().pid());
}

Result<void> thread_self_link_target(const Subject&, TextBuilder& out) {
    return out.appendf("%d/task/%d", process::current_process().pid(), process::current_thread().tid());
}

}  // namespace cella::fs::procfs
