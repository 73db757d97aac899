#include "entry_tables.h"

#include "maps.h"
#include "mounts.h"
#include "process_files.h"
#include "system_files.h"
#include "sysvipc_files.h"

namespace cella::fs::procfs {
namespace {

// Constant tables of names and function pointers: built by the compiler,
// so no constructor runs at boot.
constexpr EntrySpec kSysKernel[] = {
    {"cap_last_cap", EntryKind::File, generate_cap_last_cap},
    {"dmesg_restrict", EntryKind::File, generate_dmesg_restrict},
    {"domainname", EntryKind::File, generate_domainname},
    {"hostname", EntryKind::File, generate_hostname},
    {"msgmax", EntryKind::File, generate_msgmax},
    {"msgmnb", EntryKind::File, generate_msgmnb},
    {"msgmni", EntryKind::File, generate_msgmni},
    {"osrelease", EntryKind::File, generate_osrelease},
    {"ostype", EntryKind::File, generate_ostype},
    {"pid_max", EntryKind::File, generate_pid_max},
    {"sem", EntryKind::File, generate_sem_limits},
    {"shmall", EntryKind::File, generate_shmall},
    {"shmmax", EntryKind::File, generate_shmmax},
    {"shmmni", EntryKind::File, generate_shmmni},
    {"threads-max", EntryKind::File, generate_threads_max},
    {"version", EntryKind::File, generate_kernel_version},
};

constexpr EntrySpec kSysVm[] = {
    {"max_map_count", EntryKind::File, generate_max_map_count},
    {"overcommit_memory", EntryKind::File, generate_overcommit_memory},
};

constexpr EntrySpec kSysFsMqueue[] = {
    {"msg_default", EntryKind::File, generate_mq_msg_default},
    {"msg_max", EntryKind::File, generate_mq_msg_max},
    {"msgsize_default", EntryKind::File, generate_mq_msgsize_default},
    {"msgsize_max", EntryKind::File, generate_mq_msgsize_max},
    {"queues_max", EntryKind::File, generate_mq_queues_max},
};

constexpr EntrySpec kSysFs[] = {
    {"mqueue", EntryKind::Directory, nullptr, kSysFsMqueue},
};

constexpr EntrySpec kSys[] = {
    {"fs", EntryKind::Directory, nullptr, kSysFs},
    {"kernel", EntryKind::Directory, nullptr, kSysKernel},
    {"vm", EntryKind::Directory, nullptr, kSysVm},
};

constexpr EntrySpec kSysvipc[] = {
    {"msg", EntryKind::File, generate_sysvipc_msg},
    {"sem", EntryKind::File, generate_sysvipc_sem},
    {"shm", EntryKind::File, generate_sysvipc_shm},
};

constexpr EntrySpec kSystem[] = {
    {"cpuinfo", EntryKind::File, generate_cpuinfo},
    {"filesystems", EntryKind::File, generate_filesystems},
    {"loadavg", EntryKind::File, generate_loadavg},
    {"meminfo", EntryKind::File, generate_meminfo},
    {"mounts", EntryKind::File, generate_mounts},
    {"self", EntryKind::Symlink, self_link_target},
    {"stat", EntryKind::File, generate_system_stat},
    {"sys", EntryKind::Directory, nullptr, kSys},
    {"sysvipc", EntryKind::Directory, nullptr, kSysvipc},
    {"thread-self", EntryKind::Symlink, thread_self_link_target},
    {"uptime", EntryKind::File, generate_uptime},
    {"version", EntryKind::File, generate_version},
};

// /proc/PID/task/TID holds the same as /proc/PID but for task/, which
// sorts last, so the thread table is the process table without its end.
constexpr EntrySpec kProcess[] = {
    {"cmdline", EntryKind::File, generate_cmdline},
    {"comm", EntryKind::File, generate_comm},
    {"cwd", EntryKind::Symlink, cwd_link_target},
    {"exe", EntryKind::Symlink, exe_link_target},
    {"fd", EntryKind::FdDirectory},
    {"maps", EntryKind::File, generate_maps},
    {"mountinfo", EntryKind::File, generate_mountinfo},
    {"mounts", EntryKind::File, generate_mounts},
    {"root", EntryKind::Symlink, root_link_target},
    {"stat", EntryKind::File, generate_stat},
    {"statm", EntryKind::File, generate_statm},
    {"status", EntryKind::File, generate_status},
    {"task", EntryKind::TaskDirectory},
};

static_assert(sizeof kSystem / sizeof kSystem[0] < kSlotFanout);
constexpr std::size_t kProcessCount = sizeof kProcess / sizeof kProcess[0];
static_assert(kProcessCount < kSlotFanout);
static_assert(kProcess[kProcessCount - 1].kind == EntryKind::TaskDirectory);

}  // namespace

std::span<const EntrySpec> system_entries() { return kSystem; }
std::span<const EntrySpec> process_entries() { return kProcess; }
std::span<const EntrySpec> thread_entries() { return std::span<const EntrySpec>(kProcess).first(kProcessCount - 1); }

}  // namespace cella::fs::procfs
