#pragma once
// /proc/sysvipc/{shm,sem,msg}, the System V IPC limits in /proc/sys/kernel
// and the POSIX message queue limits in /proc/sys/fs/mqueue, in Linux's
// formats (ipcs reads them).
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

// /proc/sys/fs/mqueue
Result<void> generate_mq_msg_max(const Subject& subject, TextBuilder& out);
Result<void> generate_mq_msgsize_max(const Subject& subject, TextBuilder& out);
Result<void> generate_mq_msg_default(const Subject& subject, TextBuilder& out);
Result<void> generate_mq_msgsize_default(const Subject& subject, TextBuilder& out);
Result<void> generate_mq_queues_max(const Subject& subject, TextBuilder& out);

}  // namespace cella::fs::procfs
