#include "process.h"

#include <cstring>

#include "libos/host/host.h"
#include "libos/host/host_net.h"
#include "libos/mm/fork_snapshot.h"
#include "libos/tty/pty.h"
#include "process_table.h"

namespace cella::process {
namespace {

constexpr int kClockBoottime = 7;  // CLOCK_BOOTTIME

std::uint64_t boottime_ns() {
    std::int64_t seconds = 0, nanoseconds = 0;
    if (host::clock_gettime(kClockBoottime, seconds, nanoseconds).is_error() || seconds < 0) return 0;
    return static_cast<std::uint64_t>(seconds) * 1000000000 + static_cast<std::uint64_t>(nanoseconds);
}

}  // namespace

Thread::Thread(int tid, base::RefPtr<Process> process)
    : start_ns(boottime_ns()), tid_(tid), process_(static_cast<base::RefPtr<Process>&&>(process)) {}

Thread::~Thread() {
    if (host_wake_fd >= 0) host::close(host_wake_fd);
}

void Thread::set_name(std::string_view name) {
    std::size_t n = name.size() < kNameSize - 1 ? name.size() : kNameSize - 1;
    std::memcpy(name_, name.data(), n);
    name_[n] = '\0';
}

Process::Process(int pid, int ppid) : start_ns(boottime_ns()), pid_(pid), ppid_(ppid), memory_owner_(pid) {}

Process::~Process() { CELLA_ASSERT(threads_.is_empty()); }

Result<void> Process::set_command_line(const base::Vector<base::String>& argv) {
    base::Vector<char> line;
    for (const base::String& arg : argv) {
        TRY(line.try_append(std::span<const char>(arg.c_str(), arg.size() + 1)));
    }
    command_line_ = static_cast<base::Vector<char>&&>(line);
    return {};
}

Result<void> Process::set_environment(const base::Vector<base::String>& envp) {
    base::Vector<char> block;
    for (const base::String& entry : envp) TRY(block.try_append(std::span<const char>(entry.c_str(), entry.size() + 1)));
    environment_ = static_cast<base::Vector<char>&&>(block);
    return {};
}

Result<void> Process::set_auxiliary_vector(std::span<const std::uint64_t> words) {
    base::Vector<std::uint64_t> copy;
    TRY(copy.try_append(words));
    auxiliary_vector_ = static_cast<base::Vector<std::uint64_t>&&>(copy);
    return {};
}

Result<void> Process::inherit_from(Process& parent) {
    pgid = parent.pgid;
    sid = parent.sid;
    {
        base::ScopedLock guard(process_table().tree_lock());
        controlling_tty = parent.controlling_tty;
    }
    cwd_ = TRY(base::String::from(parent.cwd_.view()));
    root_ = TRY(base::String::from(parent.root_.view()));
    nice = parent.nice;
    io_priority = parent.io_priority;
    personality = parent.personality;
    oom_score_adj = parent.oom_score_adj;
    oom_score_adj_min = parent.oom_score_adj_min;
    limits.copy_from(parent.limits);
    umask_ = parent.umask_;
    exe_path_ = TRY(base::String::from(parent.exe_path_.view()));
    base::Vector<char> line;
    TRY(line.try_append(std::span<const char>(parent.command_line_.data(), parent.command_line_.size())));
    command_line_ = static_cast<base::Vector<char>&&>(line);
    base::Vector<char> environment;
    TRY(environment.try_append(std::span<const char>(parent.environment_.data(), parent.environment_.size())));
    environment_ = static_cast<base::Vector<char>&&>(environment);
    base::Vector<std::uint64_t> auxiliary;
    TRY(auxiliary.try_append(
        std::span<const std::uint64_t>(parent.auxiliary_vector_.data(), parent.auxiliary_vector_.size())));
    auxiliary_vector_ = static_cast<base::Vector<std::uint64_t>&&>(auxiliary);
    brk_ = parent.brk_;
    memory_owner_ = parent.memory_owner_;
    {
        base::ScopedLock guard(parent.credentials_lock_);
        TRY(credentials.copy_from(parent.credentials));
    }
    base::ScopedLock guard(parent.signal_lock_);
    for (int i = 0; i < 64; ++i) signal_actions_[i] = parent.signal_actions_[i];
    return {};
}

void Process::add_thread(Thread& thread) {
    base::ScopedLock guard(threads_lock_);
    threads_.push_back(thread);
}

void Process::remove_thread(Thread& thread) {
    base::ScopedLock guard(threads_lock_);
    base::IntrusiveList<Thread>::remove(thread);
}

}  // namespace cella::process
