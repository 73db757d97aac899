#pragma once
// /proc/sysvipc/{shm,sem,msg} and the System V IPC limits in
// /proc/sys/kernel, in Linux's formats (ipcs reads them).
#include "nodes.h"

namespace cella::fs::procfs {

Result<void> generate_sysvipc_shm(const Subject& subject, TextBuilder& out);
Result<void> generate_sysvipc_sem(const Subject& subject, TextBuilder& out);
Result<void> generate_sysvipc_msg(const Subject& subject, TextBuilder& out);

Result<void> generate_shmmax(const Subject& subject, TextBuilder& out);
Result<void> generate_shmall(const Subject& subject, TextBuilder& out);
Result<void> generate_shmmni(const Subject& subject, TextBuilder& out);
Result<void> generate_sem_limits(const Subject& subject, TextBuilder& out);
Result<void> generate_msgmax(const Subject& subject, TextBuilder& out);
Result<void> generate_msgmnb(const Subject& subject, TextBuilder& out);
Result<void> generate_msgmni(const Subject& subject, TextBuilder& out);

}  // namespace cella::fs::procfs
