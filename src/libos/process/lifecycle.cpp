#include "lifecycle.h"

#include "libos/entry/enclave.h"
#include "libos/mm/memory_ops.h"

namespace cella::process {

void exit_process(Process& process, int status) {
    mm::release_all(process);
    entry::leave_enclave(status & 0xff, 0, nullptr);
}

}  // namespace cella::process
