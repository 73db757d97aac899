#pragma once
// System V message queues (Linux's ipc/msg.c): msgget, msgsnd and msgrcv
// with type selection, and msgctl.
#include <cstdint>

#include "ipc_ids.h"

namespace cella::ipc::sysv {

Result<int> msg_get(int key, int flags);
// `address` points at the application's struct msgbuf (a long, then text).
Result<void> msg_send(int id, std::uint64_t address, std::uint64_t size, int flags);
Result<long> msg_receive(int id, std::uint64_t address, std::uint64_t size, long type, int flags);
Result<long> msg_ctl(int id, int cmd, std::uint64_t address);

// One line of /proc/sysvipc/msg.
struct MsgRow {
    IpcPerm perm;
    std::uint64_t cbytes, qnum;
    int lspid, lrpid;
    std::int64_t stime, rtime, ctime;
};
Result<base::Vector<MsgRow>> msg_rows();

}  // namespace cella::ipc::sysv
