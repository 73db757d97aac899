#include "process_files.h"

#include "libos/mm/memory_ops.h"

#include <asm-generic/errno.h>
#include <linux/resource.h>

#include "clocks.h"
#include "libos/base/format.h"
#include "libos/fs/open_file.h"
#include "libos/process/memory_locks.h"
#include "libos/runtime/system_info.h"
#include "mappings.h"
#include "process_info.h"
#include "smaps.h"

namespace cella::fs::procfs {
namespace {

using base::Error;

constexpr std::uint64_t kPageSize = mm::kPageSize;
constexpr std::uint64_t kNoLimit = ~std::uint64_t{0};  // RLIM_INFINITY
// Every capability up to CAP_CHECKPOINT_RESTORE (40): processes run as root.

// What /proc/PID/stat, statm and status are made from.
struct ProcessView {
    base::RefPtr<process::Process> process;
    ProcessFacts facts;
    MemoryTotals memory;
    // Pages the host has really backed (commit on first touch), by kind
    // as smaps counts them.
    ResidentTotals resident;
};

Result<ProcessView> view_of(const Subject& subject) {
    ProcessView view;
    view.process = TRY(find_live_process(subject.pid));
    view.facts = TRY(process_facts(*view.process, subject.tid));
    base::Vector<Mapping> mappings = TRY(mappings_of(subject.pid));
    view.memory = memory_totals(mappings, view.process->exe_path().view());
    view.resident = resident_totals(subject.pid, mappings);
    return view;
}

// /proc/PID shows the main thread's state, /proc/PID/task/TID the thread's.
const char* state_name(char state) {
    switch (state) {
    case 'R': return "R (running)";
    case 'T': return "T (stopped)";
    case 'Z': return "Z (zombie)";
    default: return "S (sleeping)";
    }
}

std::uint64_t ticks_of(std::int64_t ns) { return ns > 0 ? to_ticks(static_cast<std::uint64_t>(ns)) : 0; }

// Linux's bitmap text ("%*pb") of `cpus` bits: 32-bit groups in hex, most
// significant first, separated by commas, each zero-padded to 8 digits but
// the first, which has as many as its bits need.
Result<void> append_cpu_mask(TextBuilder& out, std::uint32_t cpus, std::uint64_t mask) {
    std::uint32_t groups = (cpus + 31) / 32;
    std::uint32_t top_bits = cpus - (groups - 1) * 32;
    for (std::uint32_t group = groups; group-- > 0;) {
        std::uint32_t bits = group == groups - 1 ? top_bits : 32;
        std::uint32_t value = group < 2 ? static_cast<std::uint32_t>(mask >> (group * 32)) : 0;
        if (bits < 32) value &= (1u << bits) - 1;
        char digits[16];
        base::format_to(digits, sizeof digits, "%08x", value);
        if (group != groups - 1) TRY(out.append(','));
        TRY(out.append(std::string_view(digits + 8 - (bits + 3) / 4, (bits + 3) / 4)));
    }
    return {};
}

// The same as a list of ranges ("0-2,5").
Result<void> append_cpu_list(TextBuilder& out, std::uint32_t cpus, std::uint64_t mask) {
    bool first = true;
    for (std::uint32_t cpu = 0; cpu < cpus && cpu < 64;) {
        if (!(mask & (std::uint64_t{1} << cpu))) {
            ++cpu;
            continue;
        }
        std::uint32_t last = cpu;
        while (last + 1 < cpus && last + 1 < 64 && (mask & (std::uint64_t{1} << (last + 1)))) ++last;
        TRY(out.appendf(last == cpu ? "%s%u" : "%s%u-%u", first ? "" : ",", cpu, last));
        first = false;
        cpu = last + 1;
    }
    return {};
}

// base/format.h has no %o.
char octal_digit(std::uint32_t value, int shift) { return static_cast<char>('0' + ((value >> shift) & 7)); }

Result<void> append_kb(TextBuilder& out, const char* label, std::uint64_t bytes) {
    return out.appendf("%s:\t%8lu kB\n", label, bytes >> 10);
}

Result<void> append_memory_lines(TextBuilder& out, process::Process& process, const ProcessView& view) {
    const MemoryTotals& memory = view.memory;
    TRY(append_kb(out, "VmPeak", memory.size));
    TRY(append_kb(out, "VmSize", memory.size));
    TRY(append_kb(out, "VmLck", process::locked_bytes(process)));
    TRY(append_kb(out, "VmPin", 0));
    TRY(append_kb(out, "VmHWM", view.resident.total()));
    TRY(append_kb(out, "VmRSS", view.resident.total()));
    TRY(append_kb(out, "RssAnon", view.resident.anonymous));
    TRY(append_kb(out, "RssFile", view.resident.file));
    TRY(append_kb(out, "RssShmem", view.resident.shmem));
    TRY(append_kb(out, "VmData", memory.data));
    TRY(append_kb(out, "VmStk", memory.stack));
    TRY(append_kb(out, "VmExe", memory.exe));
    TRY(append_kb(out, "VmLib", memory.lib));
    TRY(append_kb(out, "VmPTE", 0));
    TRY(append_kb(out, "VmSwap", 0));
    TRY(append_kb(out, "HugetlbPages", 0));
    return {};
}

// A block of NUL-terminated strings the process keeps (argv, envp).
Result<void> append_strings(const Subject& subject, TextBuilder& out,
                            const base::Vector<char>& (process::Process::*block)() const) {
    auto process = TRY(find_live_process(subject.pid));
    const base::Vector<char>& strings = ((*process).*block)();
    return out.append(std::string_view(strings.data(), strings.size()));
}

}  // namespace

Result<void> generate_cmdline(const Subject& subject, TextBuilder& out) {
    return append_strings(subject, out, &process::Process::command_line);
}

Result<void> generate_environ(const Subject& subject, TextBuilder& out) {
    return append_strings(subject, out, &process::Process::environment);
}

Result<void> generate_comm(const Subject& subject, TextBuilder& out) {
    auto process = TRY(find_live_process(subject.pid));
    ProcessFacts facts = TRY(process_facts(*process, subject.tid));
    return out.appendf("%s\n", facts.thread.name);
}

Result<void> generate_stat(const Subject& subject, TextBuilder& out) {
    ProcessView view = TRY(view_of(subject));
    process::Process& process = *view.process;
    const ProcessFacts& facts = view.facts;
    const MemoryTotals& memory = view.memory;
    int pid = process.pid();
    bool zombie = facts.zombie;
    char state = facts.thread.state;
    // Linux gives the address of argc; the LibOS does not keep it, so this
    // is the stack's top word, above it, which serves a conservative
    // scanner that reads this field to find where the stack ends.
    std::uint64_t start_stack = memory.stack_top ? memory.stack_top - sizeof(std::uint64_t) : 0;
    // The process's own CPU time in /proc/PID/stat, the thread's under task/.
    const time::CpuTimes& cpu = subject.tid != 0 ? facts.thread.cpu : facts.cpu;
    std::uint64_t start_ns = subject.tid != 0 ? facts.thread.start_ns : process.start_ns;
    std::uint64_t rss_limit = process.limits.get(RLIMIT_RSS).value_or(process::Rlimit{kNoLimit, kNoLimit}).current;
    // Fields 1-9: identity, state, parents, terminal, flags.
    TRY(out.appendf("%d (%s) %c %d %d %d %u %d 0 ", subject.tid != 0 ? subject.tid : pid, facts.thread.name, state,
                    process.ppid(), facts.pgid, facts.sid, facts.tty_nr, facts.tpgid));
    // 10-21: faults (not counted), CPU times and the reaped children's,
    // priority, nice, threads, itrealvalue.
    TRY(out.appendf("0 0 0 0 %lu %lu %lu %lu %d %d %zu 0 ", ticks_of(cpu.user_ns), ticks_of(cpu.system_ns),
                    ticks_of(facts.children_cpu.user_ns), ticks_of(facts.children_cpu.system_ns), 20 + process.nice,
                    process.nice, facts.thread_count));
    // 22-30: start time, memory (as statm), code and stack addresses.
    TRY(out.appendf("%lu %lu %lu %lu %lu %lu %lu 0 0 ", to_ticks(start_ns), memory.size, view.resident.total() / kPageSize,
                    rss_limit, memory.code_start, memory.code_end, zombie ? 0 : start_stack));
    // 31-34: signals pending, blocked, ignored, caught.
    TRY(out.appendf("%lu %lu %lu %lu ", facts.thread.pending | facts.shared_pending, facts.thread.blocked,
                    facts.ignored, facts.caught));
    // 35-52: waiting or not (Linux no longer shows where), swap, exit
    // signal, CPU, scheduling, I/O delay, guest time, data and brk
    // addresses, argument and environment addresses, a zombie's exit status.
    TRY(out.appendf("%d 0 0 %d 0 %d %d 0 0 0 0 0 %lu 0 0 0 0 %d\n", state != 'R', process.exit_signal,
                    facts.thread.rt_priority, facts.thread.policy, zombie ? 0 : process.program_break().start,
                    zombie ? facts.exit_status : 0));
    return {};
}

Result<void> generate_statm(const Subject& subject, TextBuilder& out) {
    ProcessView view = TRY(view_of(subject));
    const MemoryTotals& memory = view.memory;
    // Shared, as Linux counts it: file-backed and shared-memory pages.
    return out.appendf("%lu %lu %lu %lu 0 %lu 0\n", memory.size / kPageSize, view.resident.total() / kPageSize,
                       (view.resident.file + view.resident.shmem) / kPageSize, memory.exe / kPageSize,
                       (memory.data + memory.stack) / kPageSize);
}

Result<void> generate_status(const Subject& subject, TextBuilder& out) {
    ProcessView view = TRY(view_of(subject));
    process::Process& process = *view.process;
    const ProcessFacts& facts = view.facts;
    int pid = process.pid();
    int tid = subject.tid != 0 ? subject.tid : pid;
    base::Vector<int> fds = TRY(open_fds(process));
    int highest_fd = fds.is_empty() ? 0 : fds.last();
    // Linux's fd table grows in steps of 64 (BITS_PER_LONG).
    int fd_size = (highest_fd / 64 + 1) * 64;

    std::uint32_t umask = process.umask();
    TRY(out.appendf("Name:\t%s\nUmask:\t0%c%c%c\nState:\t%s\n", facts.thread.name, octal_digit(umask, 6),
                    octal_digit(umask, 3), octal_digit(umask, 0), state_name(facts.thread.state)));
    TRY(out.appendf("Tgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n", pid, tid, process.ppid()));
    process::Credentials::Ids uids, gids;
    process::Credentials::Capabilities caps;
    // The supplementary groups, space-separated, and a space after them
    // even when there are none, as Linux prints them.
    TextBuilder groups;
    {
        base::ScopedLock guard(process.credentials_lock());
        uids = process.credentials.uids();
        gids = process.credentials.gids();
        caps = process.credentials.capabilities();
        for (std::uint32_t group : process.credentials.groups())
            TRY(groups.appendf(groups.size() ? " %u" : "%u", group));
    }
    TRY(groups.append(' '));
    TRY(out.appendf("Uid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\n", uids.real, uids.effective, uids.saved,
                    uids.filesystem, gids.real, gids.effective, gids.saved, gids.filesystem));
    TRY(out.appendf("FDSize:\t%d\nGroups:\t%.*s\nNStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\n", fd_size,
                    static_cast<int>(groups.size()), groups.view().data(), pid, tid, facts.pgid, facts.sid));
    // A zombie has no memory left, and Linux shows no lines for it.
    if (!facts.zombie) TRY(append_memory_lines(out, process, view));
    // SigQ: the signals queued to it, of the RLIMIT_SIGPENDING it may queue.
    std::uint64_t queue_limit = process.limits.get(RLIMIT_SIGPENDING).value_or(process::Rlimit{}).current;
    TRY(out.appendf("CoreDumping:\t0\nTHP_enabled:\t1\nThreads:\t%zu\nSigQ:\t%zu/%lu\n", facts.thread_count,
                    facts.thread.queued + facts.shared_queued, queue_limit));
    TRY(out.appendf("SigPnd:\t%016lx\nShdPnd:\t%016lx\nSigBlk:\t%016lx\nSigIgn:\t%016lx\nSigCgt:\t%016lx\n",
                    facts.thread.pending, facts.shared_pending, facts.thread.blocked, facts.ignored, facts.caught));
    TRY(out.appendf("CapInh:\t%016lx\nCapPrm:\t%016lx\nCapEff:\t%016lx\nCapBnd:\t%016lx\nCapAmb:\t%016lx\n",
                    caps.inheritable, caps.permitted, caps.effective, caps.bounding, caps.ambient));
    TRY(out.append("NoNewPrivs:\t0\nSeccomp:\t0\nSeccomp_filters:\t0\n"));
    // The thread's sched_setaffinity mask, within the CPUs there are.
    std::uint32_t cpus = runtime::cpu_count();
    TRY(out.append("Cpus_allowed:\t"));
    TRY(append_cpu_mask(out, cpus, facts.thread.affinity));
    TRY(out.append("\nCpus_allowed_list:\t"));
    TRY(append_cpu_list(out, cpus, facts.thread.affinity));
    TRY(out.append('\n'));
    TRY(out.append("Mems_allowed:\t00000000,00000001\nMems_allowed_list:\t0\n"));
    TRY(out.append("voluntary_ctxt_switches:\t0\nnonvoluntary_ctxt_switches:\t0\n"));
    return {};
}

Result<void> exe_link_target(const Subject& subject, TextBuilder& out) {
    auto process = TRY(find_live_process(subject.pid));
    if (process->exe_path().is_empty()) return Error::from_errno(ENOENT);
    return out.append(process->exe_path().view());
}

Result<void> cwd_link_target(const Subject& subject, TextBuilder& out) {
    auto process = TRY(find_live_process(subject.pid));
    return out.append(process->cwd().view());
}

// One file-system namespace for every process.
Result<void> root_link_target(const Subject&, TextBuilder& out) { return out.append("/"); }

RefPtr<OpenFile> fd_link_file(const Subject& subject) {
    auto process = find_live_process(subject.pid);
    if (process.is_error()) return nullptr;
    auto file = process.value()->fds().get(subject.fd);
    return file.is_error() ? nullptr : file.release_value();
}

Result<void> fd_link_target(const Subject& subject, TextBuilder& out) {
    auto process = TRY(find_live_process(subject.pid));
    auto file = process->fds().get(subject.fd);
    if (file.is_error()) return Error::from_errno(ENOENT);
    OpenFile& open = *file.value();
    std::string_view path = open.path().view();
    // Pipes and sockets without a file of their own show as Linux names
    // them, "type:[inode]"; other files without a path as an anonymous inode.
    if (!open.inode()) {
        auto stat = open.stat();
        std::uint32_t type = stat.is_error() ? 0 : stat.value().mode & 0170000;
        if (type == 0010000) return out.appendf("pipe:[%lu]", stat.value().ino);
        if (type == 0140000) return out.appendf("socket:[%lu]", stat.value().ino);
    }
    return out.append(path.empty() ? std::string_view("anon_inode:[unknown]") : path);
}

}  // namespace cella::fs::procfs
