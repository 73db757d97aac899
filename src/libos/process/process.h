#pragma once
// A process (Occlum's SIP): an identity, its file descriptors, its working
// directory and the memory it holds in the shared address space.
#include <cstdint>

#include "libos/base/own_ptr.h"
#include "libos/base/string.h"
#include "libos/base/vector.h"
#include "libos/entry/cpu.h"
#include "libos/fs/fd_table.h"

namespace cella::process {

using base::Result;

struct ProgramBreak {
    std::uint64_t start = 0;    // first byte of the heap
    std::uint64_t current = 0;  // what brk() last set
    std::uint64_t limit = 0;    // end of the reserved range
};

// What rt_sigaction stores for one signal, in the kernel's layout.
struct SignalAction {
    std::uint64_t handler = 0;  // SIG_DFL
    std::uint64_t flags = 0;
    std::uint64_t restorer = 0;
    std::uint64_t mask = 0;
};

class Process : public base::RefCounted<Process> {
public:
    explicit Process(int pid, int ppid) : pid_(pid), ppid_(ppid) {}

    int pid() const { return pid_; }
    int ppid() const { return ppid_; }
    fs::FdTable& fds() { return fds_; }

    const base::String& cwd() const { return cwd_; }
    Result<void> set_cwd(std::string_view path) {
        cwd_ = TRY(base::String::from(path));
        return {};
    }
    std::uint32_t umask() const { return umask_; }
    std::uint32_t set_umask(std::uint32_t mask) {
        std::uint32_t old = umask_;
        umask_ = mask & 0777;
        return old;
    }

    const base::String& exe_path() const { return exe_path_; }
    Result<void> set_exe_path(std::string_view path) {
        exe_path_ = TRY(base::String::from(path));
        return {};
    }

    ProgramBreak& program_break() { return brk_; }
    // Index = signal number - 1.
    SignalAction* signal_actions() { return signal_actions_; }

private:
    SignalAction signal_actions_[64];
    int pid_;
    int ppid_;
    fs::FdTable fds_;
    base::String cwd_;
    std::uint32_t umask_ = 022;
    base::String exe_path_;
    ProgramBreak brk_;
};

class Thread {
public:
    Thread(int tid, base::RefPtr<Process> process) : tid_(tid), process_(static_cast<base::RefPtr<Process>&&>(process)) {}

    int tid() const { return tid_; }
    Process& process() { return *process_; }
    entry::ThreadCpu& cpu() { return cpu_; }
    std::uint64_t clear_child_tid = 0;
    std::uint64_t robust_list = 0;
    std::uint64_t robust_list_length = 0;
    std::uint64_t signal_mask = 0;
    std::uint64_t pending_signals = 0;

private:
    int tid_;
    base::RefPtr<Process> process_;
    entry::ThreadCpu cpu_{};
};

}  // namespace cella::process
