#include "lifecycle.h"

#include "libos/base/format.h"
#include "libos/entry/enclave.h"
#include "signal_defaults.h"
#include "libos/mm/memory_ops.h"

namespace cella::process {

void exit_process(Process& process, int status) {
    mm::release_all(process);
    entry::leave_enclave(status & 0xff, 0, nullptr);
}

void kill_process(Process& process, int signal) {
    char message[96];
    base::format_to(message, sizeof message, "program terminated by %s", signal_name(signal));
    mm::release_all(process);
    entry::leave_enclave(0, signal, message);
}

}  // namespace cella::process
