#include "kill.h"

#include <asm-generic/errno.h>

#include "process_table.h"
#include "signals.h"

namespace cella::process {

base::Result<void> kill_processes(Process& sender, int pid, int signal) {
    base::Vector<base::RefPtr<Process>> targets;
    if (pid > 0) {
        base::RefPtr<Process> target = process_table().find_process(pid);
        if (target) TRY(targets.try_append(target));
    } else {
        int group = pid == 0 ? sender.pgid : -pid;
        bool everyone = pid == -1;
        base::Result<void> listed{};
        process_table().for_each_process([&](Process& process) {
            bool chosen = everyone ? process.pid() != 1 && &process != &sender : process.pgid == group;
            if (chosen && !listed.is_error()) listed = targets.try_append(base::RefPtr<Process>(&process));
        });
        TRY(listed);
    }
    if (targets.is_empty()) return base::Error::from_errno(ESRCH);
    if (signal == 0) return {};
    // Linux reports success when at least one process got the signal.
    AppSiginfo info = kill_siginfo(signal, kSiUser, sender.pid());
    base::Result<void> last{};
    bool delivered = false;
    for (base::RefPtr<Process>& target : targets) {
        if (target->run_state == RunState::Zombie) {
            delivered = true;
            continue;
        }
        auto sent = send_to_process(*target, info);
        if (sent.is_error()) last = sent;
        else delivered = true;
    }
    if (!delivered) return last;
    return {};
}

void signal_group_from_kernel(int pgid, int signal) {
    base::Vector<base::RefPtr<Process>> targets;
    process_table().for_each_process([&](Process& process) {
        if (process.pgid == pgid && process.run_state != RunState::Zombie)
            (void)targets.try_append(base::RefPtr<Process>(&process));
    });
    AppSiginfo info = make_siginfo(signal, kSiKernel);
    for (base::RefPtr<Process>& target : targets) (void)send_to_process(*target, info);
}

}  // namespace cella::process
