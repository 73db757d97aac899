#include "process_files.h"

#include "libos/mm/memory_ops.h"

#include <asm-generic/errno.h>

#include "clocks.h"
#include "libos/fs/open_file.h"
#include "libos/process/memory_locks.h"
#include "libos/runtime/system_info.h"
#include "mappings.h"
#include "process_info.h"

namespace cella::fs::procfs {
namespace {

using base::Error;

constexpr std::uint64_t kPageSize = mm::kPageSize;
constexpr std::uint64_t kNoLimit = ~std::uint64_t{0};  // RLIM_INFINITY
constexpr int kExitSignal = 17;                        // SIGCHLD, what a parent is sent
constexpr int kSignalQueueLimit = 4096;                // RLIMIT_SIGPENDING, as prlimit reports it
// Every capability up to CAP_CHECKPOINT_RESTORE (40): processes run as root.

// What /proc/PID/stat, statm and status are made from.
struct ProcessView {
    base::RefPtr<process::Process> process;
    ProcessFacts facts;
    MemoryTotals memory;
    // Pages the host has really backed (commit on first touch), with the
    // file-backed share bounded by what is mapped from files.
    std::uint64_t resident = 0;
    std::uint64_t resident_file = 0;
};

Result<ProcessView> view_of(const Subject& subject) {
    ProcessView view;
    view.process = TRY(find_live_process(subject.pid));
    view.facts = TRY(process_facts(*view.process, subject.tid));
    base::Vector<Mapping> mappings = TRY(mappings_of(subject.pid));
    view.memory = memory_totals(mappings, view.process->exe_path().view());
    view.resident = mm::resident_bytes(subject.pid).value_or(view.memory.size);
    view.resident_file = view.memory.file < view.resident ? view.memory.file : view.resident;
    return view;
}

bool is_running(const Subject& subject, const ProcessFacts& facts) {
    // The reader itself is running; every other thread is, as far as the
    // reader can tell, waiting (most of them are, in a syscall).
    return subject.tid != 0 ? facts.thread.running : facts.running;
}

// Linux's bitmap text ("%*pb"): 32-bit groups in hex, most significant
// first, separated by commas, the first one only as wide as it needs.
Result<void> append_cpu_mask(TextBuilder& out, std::uint32_t cpus) {
    std::uint32_t groups = (cpus + 31) / 32;
    std::uint32_t top_bits = cpus - (groups - 1) * 32;
    std::uint32_t top = top_bits == 32 ? 0xffffffffu : (1u << top_bits) - 1;
    // The top group's highest bit is set, so plain %x is already as wide as Linux prints it.
    TRY(out.appendf("%x", top));
    for (std::uint32_t i = 1; i < groups; ++i) TRY(out.append(",ffffffff"));
    return {};
}

// base/format.h has no %o.
char octal_digit(std::uint32_t value, int shift) { return static_cast<char>('0' + ((value >> shift) & 7)); }

Result<void> append_kb(TextBuilder& out, const char* label, std::uint64_t bytes) {
    return out.appendf("%s:\t%8lu kB\n", label, bytes >> 10);
}

}  // namespace

Result<void> generate_cmdline(const Subject& subject, TextBuilder& out) {
    auto process = TRY(find_live_process(subject.pid));
    const base::Vector<char>& line = process->command_line();
    return out.append(std::string_view(line.data(), line.size()));
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
    Clocks clocks = TRY(read_clocks());
    int pid = process.pid();
    // Linux gives the address of argc; the LibOS does not keep it, so this
    // is the stack's top word, above it, which serves a conservative
    // scanner that reads this field to find where the stack ends.
    std::uint64_t start_stack = memory.stack_top ? memory.stack_top - sizeof(std::uint64_t) : 0;
    // Fields 1-9: identity, state, parents, terminal, flags. There are no
    // process groups or sessions yet: each process leads its own.
    TRY(out.appendf("%d (%s) %c %d %d %d 0 -1 0 ", subject.tid != 0 ? subject.tid : pid, facts.thread.name,
                    is_running(subject, facts) ? 'R' : 'S', process.ppid(), pid, pid));
    // 10-21: faults and CPU times (not counted), priority, nice, threads, itrealvalue.
    TRY(out.appendf("0 0 0 0 0 0 0 0 20 0 %zu 0 ", facts.thread_count));
    // 22-30: start time, memory, code and stack addresses.
    TRY(out.appendf("%lu %lu %lu %lu %lu %lu %lu 0 0 ", to_ticks(clocks.enclave_start_ns), memory.size,
                    memory.size / kPageSize, kNoLimit, memory.code_start, memory.code_end, start_stack));
    // 31-34: signals pending, blocked, ignored, caught.
    TRY(out.appendf("%lu %lu %lu %lu ", facts.thread.pending | facts.shared_pending, facts.thread.blocked,
                    facts.ignored, facts.caught));
    // 35-52: wchan, swap, exit signal, CPU, scheduling, I/O delay, guest
    // time, data and brk addresses, argument and environment addresses,
    // exit code.
    TRY(out.appendf("0 0 0 %d 0 0 0 0 0 0 0 0 %lu 0 0 0 0 0\n", kExitSignal, process.program_break().start));
    return {};
}

Result<void> generate_statm(const Subject& subject, TextBuilder& out) {
    ProcessView view = TRY(view_of(subject));
    const MemoryTotals& memory = view.memory;
    return out.appendf("%lu %lu %lu %lu 0 %lu 0\n", memory.size / kPageSize, view.resident / kPageSize,
                       view.resident_file / kPageSize, memory.exe / kPageSize, (memory.data + memory.stack) / kPageSize);
}

Result<void> generate_status(const Subject& subject, TextBuilder& out) {
    ProcessView view = TRY(view_of(subject));
    process::Process& process = *view.process;
    const ProcessFacts& facts = view.facts;
    const MemoryTotals& memory = view.memory;
    int pid = process.pid();
    int tid = subject.tid != 0 ? subject.tid : pid;
    bool running = is_running(subject, facts);
    base::Vector<int> fds = TRY(open_fds(process));
    int highest_fd = fds.is_empty() ? 0 : fds.last();
    // Linux's fd table grows in steps of 64 (BITS_PER_LONG).
    int fd_size = (highest_fd / 64 + 1) * 64;

    std::uint32_t umask = process.umask();
    TRY(out.appendf("Name:\t%s\nUmask:\t0%c%c%c\nState:\t%s\n", facts.thread.name, octal_digit(umask, 6),
                    octal_digit(umask, 3), octal_digit(umask, 0), running ? "R (running)" : "S (sleeping)"));
    TRY(out.appendf("Tgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n", pid, tid, process.ppid()));
    process::Credentials::Ids uids, gids;
    process::Credentials::Capabilities caps;
    {
        base::ScopedLock guard(process.credentials_lock());
        uids = process.credentials.uids();
        gids = process.credentials.gids();
        caps = process.credentials.capabilities();
    }
    TRY(out.appendf("Uid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\n", uids.real, uids.effective, uids.saved,
                    uids.filesystem, gids.real, gids.effective, gids.saved, gids.filesystem));
    TRY(out.appendf("FDSize:\t%d\nGroups:\t\nNStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\n", fd_size, pid, tid,
                    pid, pid));
    TRY(append_kb(out, "VmPeak", memory.size));
    TRY(append_kb(out, "VmSize", memory.size));
    TRY(append_kb(out, "VmLck", process::locked_bytes(process)));
    TRY(append_kb(out, "VmPin", 0));
    TRY(append_kb(out, "VmHWM", view.resident));
    TRY(append_kb(out, "VmRSS", view.resident));
    TRY(append_kb(out, "RssAnon", view.resident - view.resident_file));
    TRY(append_kb(out, "RssFile", view.resident_file));
    TRY(append_kb(out, "RssShmem", 0));
    TRY(append_kb(out, "VmData", memory.data));
    TRY(append_kb(out, "VmStk", memory.stack));
    TRY(append_kb(out, "VmExe", memory.exe));
    TRY(append_kb(out, "VmLib", memory.lib));
    TRY(append_kb(out, "VmPTE", 0));
    TRY(append_kb(out, "VmSwap", 0));
    TRY(append_kb(out, "HugetlbPages", 0));
    TRY(out.appendf("CoreDumping:\t0\nTHP_enabled:\t1\nThreads:\t%zu\nSigQ:\t0/%d\n", facts.thread_count,
                    kSignalQueueLimit));
    TRY(out.appendf("SigPnd:\t%016lx\nShdPnd:\t%016lx\nSigBlk:\t%016lx\nSigIgn:\t%016lx\nSigCgt:\t%016lx\n",
                    facts.thread.pending, facts.shared_pending, facts.thread.blocked, facts.ignored, facts.caught));
    TRY(out.appendf("CapInh:\t%016lx\nCapPrm:\t%016lx\nCapEff:\t%016lx\nCapBnd:\t%016lx\nCapAmb:\t%016lx\n",
                    caps.inheritable, caps.permitted, caps.effective, caps.bounding, caps.ambient));
    TRY(out.append("NoNewPrivs:\t0\nSeccomp:\t0\nSeccomp_filters:\t0\n"));
    std::uint32_t cpus = runtime::cpu_count();
    TRY(out.append("Cpus_allowed:\t"));
    TRY(append_cpu_mask(out, cpus));
    if (cpus == 1)
        TRY(out.append("\nCpus_allowed_list:\t0\n"));
    else
        TRY(out.appendf("\nCpus_allowed_list:\t0-%u\n", cpus - 1));
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
    std::string_view path = file.value()->path().view();
    // An open file without a path has no name to show; Linux shows such
    // files (pipes, sockets, eventfds) as "type:[inode]".
    return out.append(path.empty() ? std::string_view("anon_inode:[unknown]") : path);
}

}  // namespace cella::fs::procfs
