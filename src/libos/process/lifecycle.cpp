#include "lifecycle.h"

#include "libos/base/format.h"
#include "libos/entry/cpu.h"
#include "signal_defaults.h"
#include "threads.h"

namespace cella::process {

void exit_process(Process& process, int status) { end_process(process, status, 0, nullptr); }

void kill_process(Process& process, int signal) {
    char message[96];
    base::format_to(message, sizeof message, "program terminated by %s", signal_name(signal));
    end_process(process, 0, signal, message);
}

void kill_process_at(Process& process, int signal, const AppSiginfo& info) {
    char message[200];
    Thread* thread = entry::current_cpu()->thread;
    base::format_to(message, sizeof message, "program terminated by %s at address 0x%lx (thread %d)",
                    signal_name(signal), static_cast<unsigned long>(info.get<std::uint64_t>(16)),
                    thread ? thread->tid() : 0);
    end_process(process, 0, signal, message);
}

}  // namespace cella::process
