#include "process_info.h"

#include <asm-generic/errno.h>

#include <algorithm>
#include <cstring>

#include "libos/base/format.h"
#include "libos/process/current.h"
#include "libos/process/process_table.h"
#include "libos/tty/pty.h"

namespace cella::fs::procfs {
namespace {

using base::Error;

constexpr std::uint64_t kSigDfl = 0, kSigIgn = 1;

void copy_name(std::string_view name, char (&out)[process::Thread::kNameSize]) {
    std::size_t n = name.size() < sizeof out - 1 ? name.size() : sizeof out - 1;
    std::memcpy(out, name.data(), n);
    out[n] = '\0';
}

Result<void> signal_facts(process::Process& process, int tid, bool stopped, ProcessFacts& facts);

}  // namespace

std::optional<int> parse_id(std::string_view name) {
    if (name.empty() || name.size() > 9 || (name[0] == '0' && name.size() > 1)) return std::nullopt;
    int value = 0;
    for (char c : name) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + (c - '0');
    }
    return value;
}

Result<base::String> id_name(int id) {
    char text[16];
    std::size_t length = base::format_to(text, sizeof text, "%d", id);
    return base::String::from(std::string_view(text, length));
}

Result<base::RefPtr<process::Process>> find_live_process(int pid) {
    if (pid <= 0) return Error::from_errno(ENOENT);
    base::RefPtr<process::Process> found = process::process_table().find_process(pid);
    if (!found) return Error::from_errno(ENOENT);
    return found;
}

Result<void> check_alive(const Subject& subject) {
    if (subject.pid == 0) return {};
    base::RefPtr<process::Process> process = TRY(find_live_process(subject.pid));
    if (subject.tid == 0) return {};
    bool found = false;
    process->for_each_thread([&](process::Thread& thread) { found = found || thread.tid() == subject.tid; });
    if (!found) return Error::from_errno(ENOENT);
    return {};
}

Result<base::Vector<int>> live_process_ids() {
    base::Vector<int> ids;
    Result<void> appended;
    process::process_table().for_each_process([&](process::Process& process) {
        if (!appended.is_error()) appended = ids.try_append(process.pid());
    });
    TRY(appended);
    std::sort(ids.begin(), ids.end());
    return ids;
}

Result<base::Vector<int>> thread_ids(process::Process& process) {
    base::Vector<int> ids;
    Result<void> appended;
    process.for_each_thread([&](process::Thread& thread) {
        if (!appended.is_error()) appended = ids.try_append(thread.tid());
    });
    TRY(appended);
    std::sort(ids.begin(), ids.end());
    return ids;
}

Result<base::Vector<int>> open_fds(process::Process& process) {
    base::Vector<int> fds;
    Result<void> appended;
    process.fds().for_each([&](int fd, OpenFile&) {
        if (!appended.is_error()) appended = fds.try_append(fd);
    });
    TRY(appended);
    return fds;
}

Result<ProcessFacts> process_facts(process::Process& process, int tid) {
    ProcessFacts facts;
    bool stopped;
    {
        base::ScopedLock guard(process::process_table().tree_lock());
        facts.zombie = process.run_state == process::RunState::Zombie;
        stopped = process.run_state == process::RunState::Stopped;
        facts.exit_status = process.wait_status;
        facts.pgid = process.pgid;
        facts.sid = process.sid;
        if (tty::Pty* terminal = process.controlling_tty.get()) {
            // 136:N as Linux's new_encode_dev writes it.
            auto index = static_cast<std::uint32_t>(terminal->index());
            facts.tty_nr = (index & 0xff) | (136u << 8) | ((index & ~0xffu) << 12);
            facts.tpgid = terminal->foreground_group() ? terminal->foreground_group() : -1;
        }
        std::int64_t children = process.reaped_children_cpu_ns;
        facts.children_cpu.system_ns = process.reaped_children_system_ns;
        facts.children_cpu.user_ns = children > facts.children_cpu.system_ns ? children - facts.children_cpu.system_ns : 0;
        if (facts.zombie) {
            facts.cpu.system_ns = process.exit_system_ns;
            facts.cpu.user_ns = process.exit_cpu_ns > process.exit_system_ns ? process.exit_cpu_ns - process.exit_system_ns : 0;
        }
    }
    if (!facts.zombie) facts.cpu = time::process_cpu_times(process);
    TRY(signal_facts(process, tid, stopped, facts));
    // Scheduling attributes are guarded by the table's lock (other threads
    // name a thread by tid), taken after the signal lock is let go.
    process::ProcessTable& table = process::process_table();
    base::ScopedLock guard(table.lock());
    if (process::Thread* thread = facts.zombie ? nullptr : table.find_thread(facts.thread.tid)) {
        facts.thread.policy = thread->scheduling.policy;
        facts.thread.rt_priority = thread->scheduling.priority;
        facts.thread.affinity = thread->scheduling.affinity;
    }
    return facts;
}

namespace {

// The chosen thread and the signal state, under the process's signal lock.
Result<void> signal_facts(process::Process& process, int tid, bool stopped, ProcessFacts& facts) {
    process::Thread* reader = &process::current_thread();
    // The signal lock comes before the thread list's, as in process/signals.cpp.
    base::ScopedLock guard(process.signal_lock());
    stopped = stopped || process.group_stopped;
    process::Thread* chosen = nullptr;
    process.for_each_thread([&](process::Thread& thread) {
        ++facts.thread_count;
        if (&thread == reader) facts.running = true;
        bool wanted = tid != 0 ? thread.tid() == tid : thread.tid() == process.pid();
        if (!wanted && (tid != 0 || chosen)) return;
        // Copied now: the thread may be gone once the list is unlocked.
        chosen = &thread;
        facts.thread.tid = thread.tid();
        copy_name(thread.name(), facts.thread.name);
        facts.thread.running = &thread == reader;
        facts.thread.state = facts.thread.running                                        ? 'R'
                             : stopped                                                   ? 'T'
                             : __atomic_load_n(&thread.cpu().blocked, __ATOMIC_RELAXED) ? 'S'
                                                                                         : 'R';
        facts.thread.blocked = thread.signal_mask;
        facts.thread.pending = thread.pending.pending();
        facts.thread.queued = thread.pending.queued();
        facts.thread.cpu = time::thread_cpu_times(thread).value_or(time::CpuTimes{});
        facts.thread.start_ns = thread.start_ns;
    });
    if (tid != 0 && facts.thread.tid != tid) return Error::from_errno(ENOENT);
    if (facts.zombie || facts.thread_count == 0) {
        // Linux keeps the leader of a zombie as its one thread. A process
        // whose last thread has gone but which is not a zombie yet is still
        // exiting (R, with no memory to show): its exit status is set only
        // when it becomes one.
        facts.thread.state = facts.zombie ? 'Z' : 'R';
        if (!facts.zombie) facts.exit_status = 0;
        facts.zombie = true;
        facts.thread_count = 1;
        facts.thread.tid = process.pid();
        copy_name(process.exit_name, facts.thread.name);
        facts.thread.cpu = facts.cpu;
        facts.thread.start_ns = process.start_ns;
    }
    facts.shared_pending = process.shared_pending().pending();
    facts.shared_queued = process.shared_pending().queued();
    const process::SignalAction* actions = process.signal_actions();
    for (int signal = 1; signal <= 64; ++signal) {
        std::uint64_t handler = actions[signal - 1].handler;
        std::uint64_t bit = std::uint64_t{1} << (signal - 1);
        if (handler == kSigIgn) facts.ignored |= bit;
        else if (handler != kSigDfl) facts.caught |= bit;
    }
    return {};
}

}  // namespace

}  // namespace cella::fs::procfs
