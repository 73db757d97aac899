#pragma once
// System V shared memory (Linux's ipc/shm.c). A segment is shared memory
// of the mm layer (mm/shared_memory.h): one host object whose pages every
// attaching process maps at its own address, so all see one copy. A
// segment removed with IPC_RMID while attached stays, keyless, until its
// last mapping goes (detach, munmap, exec or exit).
#include <cstdint>

#include "ipc_ids.h"

namespace cella::process {
class Process;
}

namespace cella::ipc::sysv {

Result<int> shm_get(int key, std::uint64_t size, int flags);
Result<std::uint64_t> shm_attach(int id, std::uint64_t address, int flags);
Result<void> shm_detach(std::uint64_t address);
Result<long> shm_ctl(int id, int cmd, std::uint64_t address);
// A process is ending: its attachments (detached as its memory goes)
// record it as the last process to use them.
void shm_exit(process::Process& process);

// One line of /proc/sysvipc/shm.
struct ShmRow {
    IpcPerm perm;
    std::uint64_t size;
    int cpid, lpid;
    std::uint64_t nattch;
    std::int64_t atime, dtime, ctime;
    std::uint64_t rss;
};
Result<base::Vector<ShmRow>> shm_rows();

}  // namespace cella::ipc::sysv
