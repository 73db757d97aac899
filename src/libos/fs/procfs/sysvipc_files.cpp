#include "sysvipc_files.h"

#include <climits>
#include <linux/msg.h>
#include <linux/sem.h>
#include <linux/shm.h>

#include "libos/ipc/mqueue/mqueue.h"
#include "libos/ipc/sysv/msg.h"
#include "libos/ipc/sysv/sem.h"
#include "libos/ipc/sysv/shm.h"

namespace cella::fs::procfs {

Result<void> generate_sysvipc_shm(const Subject&, TextBuilder& out) {
    TRY(out.append("       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid"
                   "      atime      dtime      ctime                   rss                  swap\n"));
    auto rows = TRY(ipc::sysv::shm_rows());
    for (const ipc::sysv::ShmRow& row : rows)
        TRY(out.appendf("%10d %10d  %4s %21lu %5d %5d  %5lu %5u %5u %5u %5u %10ld %10ld %10ld %21lu %21lu\n",
                        row.perm.key, row.perm.id, Octal(row.perm.mode).text, row.size, row.cpid, row.lpid,
                        row.nattch, row.perm.uid, row.perm.gid, row.perm.cuid, row.perm.cgid, row.atime, row.dtime,
                        row.ctime, row.rss, 0ul));
    return {};
}

Result<void> generate_sysvipc_sem(const Subject&, TextBuilder& out) {
    TRY(out.append("       key      semid perms      nsems   uid   gid  cuid  cgid      otime      ctime\n"));
    auto rows = TRY(ipc::sysv::sem_rows());
    for (const ipc::sysv::SemRow& row : rows)
        TRY(out.appendf("%10d %10d  %4s %10lu %5u %5u %5u %5u %10ld %10ld\n", row.perm.key, row.perm.id,
                        Octal(row.perm.mode).text, row.nsems, row.perm.uid, row.perm.gid, row.perm.cuid,
                        row.perm.cgid, row.otime, row.ctime));
    return {};
}

Result<void> generate_sysvipc_msg(const Subject&, TextBuilder& out) {
    TRY(out.append("       key      msqid perms      cbytes       qnum lspid lrpid   uid   gid  cuid  cgid"
                   "      stime      rtime      ctime\n"));
    auto rows = TRY(ipc::sysv::msg_rows());
    for (const ipc::sysv::MsgRow& row : rows)
        TRY(out.appendf("%10d %10d  %4s  %10lu %10lu %5d %5d %5u %5u %5u %5u %10ld %10ld %10ld\n", row.perm.key,
                        row.perm.id, Octal(row.perm.mode).text, row.cbytes, row.qnum, row.lspid, row.lrpid,
                        row.perm.uid, row.perm.gid, row.perm.cuid, row.perm.cgid, row.stime, row.rtime, row.ctime));
    return {};
}

Result<void> generate_shmmax(const Subject&, TextBuilder& out) { return out.appendf("%lu\n", SHMMAX); }
Result<void> generate_shmall(const Subject&, TextBuilder& out) { return out.appendf("%lu\n", SHMALL); }
Result<void> generate_shmmni(const Subject&, TextBuilder& out) { return out.appendf("%d\n", SHMMNI); }
Result<void> generate_sem_limits(const Subject&, TextBuilder& out) {
    return out.appendf("%d\t%d\t%d\t%d\n", SEMMSL, SEMMNS, SEMOPM, SEMMNI);
}
Result<void> generate_msgmax(const Subject&, TextBuilder& out) { return out.appendf("%d\n", MSGMAX); }
Result<void> generate_msgmnb(const Subject&, TextBuilder& out) { return out.appendf("%d\n", MSGMNB); }
Result<void> generate_msgmni(const Subject&, TextBuilder& out) { return out.appendf("%d\n", MSGMNI); }

Result<void> generate_mq_msg_max(const Subject&, TextBuilder& out) { return out.appendf("%ld\n", ipc::mqueue::kMsgMax); }
Result<void> generate_mq_msgsize_max(const Subject&, TextBuilder& out) {
    return out.appendf("%ld\n", ipc::mqueue::kMsgSizeMax);
}
Result<void> generate_mq_msg_default(const Subject&, TextBuilder& out) {
    return out.appendf("%ld\n", ipc::mqueue::kMsgDefault);
}
Result<void> generate_mq_msgsize_default(const Subject&, TextBuilder& out) {
    return out.appendf("%ld\n", ipc::mqueue::kMsgSizeDefault);
}
Result<void> generate_mq_queues_max(const Subject&, TextBuilder& out) {
    return out.appendf("%ld\n", ipc::mqueue::kQueuesMax);
}

}  // namespace cella::fs::procfs
