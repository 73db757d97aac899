#include "entry_tables.h"

#include "maps.h"
#include "mounts.h"
#include "process_files.h"
#include "process_records.h"
#include "smaps.h"
#include "system_files.h"
#include "sysvipc_files.h"

namespace cella::fs::procfs {
namespace {

// Constant tables of names and function pointers: built by the compiler,
// so no constructor runs at boot.
constexpr EntrySpec kSysKernelRandom[] = {
    {"boot_id", EntryKind::File, generate_boot_id},
    {"entropy_avail", EntryKind::File, generate_entropy_avail},
    {"uuid", EntryKind::File, generate_uuid},
};

constexpr EntrySpec kSysKernelYama[] = {
    {"ptrace_scope", EntryKind::File, generate_ptrace_scope},
};

constexpr EntrySpec kSysKernel[] = {
    {"cap_last_cap", EntryKind::File, generate_cap_last_cap},
    {"core_pattern", EntryKind::File, generate_core_pattern},
    {"dmesg_restrict", EntryKind::File, generate_dmesg_restrict},
    {"domainname", EntryKind::File, generate_domainname},
    {"hostname", EntryKind::File, generate_hostname},
    {"msgmax", EntryKind::File, generate_msgmax},
    {"msgmnb", EntryKind::File, generate_msgmnb},
    {"msgmni", EntryKind::File, generate_msgmni},
    {"ngroups_max", EntryKind::File, generate_ngroups_max},
    {"osrelease", EntryKind::File, generate_osrelease},
    {"ostype", EntryKind::File, generate_ostype},
    {"pid_max", EntryKind::File, generate_pid_max},
    {"printk", EntryKind::File, generate_printk},
    {"random", EntryKind::Directory, nullptr, kSysKernelRandom},
    {"sem", EntryKind::File, generate_sem_limits},
    {"shmall", EntryKind::File, generate_shmall},
    {"shmmax", EntryKind::File, generate_shmmax},
    {"shmmni", EntryKind::File, generate_shmmni},
    {"threads-max", EntryKind::File, generate_threads_max},
    {"version", EntryKind::File, generate_kernel_version},
    {"yama", EntryKind::Directory, nullptr, kSysKernelYama},
};

constexpr EntrySpec kSysVm[] = {
    {"max_map_count", EntryKind::File, generate_max_map_count},
    {"mmap_min_addr", EntryKind::File, generate_mmap_min_addr},
    {"overcommit_memory", EntryKind::File, generate_overcommit_memory},
};

constexpr EntrySpec kSysFsMqueue[] = {
    {"msg_default", EntryKind::File, generate_mq_msg_default},
    {"msg_max", EntryKind::File, generate_mq_msg_max},
    {"msgsize_default", EntryKind::File, generate_mq_msgsize_default},
    {"msgsize_max", EntryKind::File, generate_mq_msgsize_max},
    {"queues_max", EntryKind::File, generate_mq_queues_max},
};

constexpr EntrySpec kSysFsInotify[] = {
    {"max_queued_events", EntryKind::File, generate_inotify_max_queued_events},
    {"max_user_instances", EntryKind::File, generate_inotify_max_user_instances},
    {"max_user_watches", EntryKind::File, generate_inotify_max_user_watches},
};

constexpr EntrySpec kSysFs[] = {
    {"file-max", EntryKind::File, generate_file_max},
    {"inotify", EntryKind::Directory, nullptr, kSysFsInotify},
    {"mqueue", EntryKind::Directory, nullptr, kSysFsMqueue},
    {"nr_open", EntryKind::File, generate_nr_open},
    {"pipe-max-size", EntryKind::File, generate_pipe_max_size},
};

constexpr EntrySpec kSysNetCore[] = {
    {"somaxconn", EntryKind::File, generate_somaxconn},
};

constexpr EntrySpec kSysNet[] = {
    {"core", EntryKind::Directory, nullptr, kSysNetCore},
};

constexpr EntrySpec kSys[] = {
    {"fs", EntryKind::Directory, nullptr, kSysFs},
    {"kernel", EntryKind::Directory, nullptr, kSysKernel},
    {"net", EntryKind::Directory, nullptr, kSysNet},
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
// comes last, so the thread table is the process table without its end.
constexpr EntrySpec kProcess[] = {
    {"auxv", EntryKind::File, generate_auxv, {}, nullptr, 0400},
    {"cgroup", EntryKind::File, generate_cgroup},
    {"cmdline", EntryKind::File, generate_cmdline},
    {"comm", EntryKind::File, generate_comm},
    {"cwd", EntryKind::Symlink, cwd_link_target},
    {"environ", EntryKind::File, generate_environ, {}, nullptr, 0400},
    {"exe", EntryKind::Symlink, exe_link_target},
    {"fd", EntryKind::FdDirectory},
    {"fdinfo", EntryKind::FdInfoDirectory},
    {"io", EntryKind::File, generate_io, {}, nullptr, 0400},
    {"limits", EntryKind::File, generate_limits},
    {"loginuid", EntryKind::File, generate_loginuid},
    {"maps", EntryKind::File, generate_maps},
    {"mountinfo", EntryKind::File, generate_mountinfo},
    {"mounts", EntryKind::File, generate_mounts},
    {"oom_score", EntryKind::File, generate_oom_score},
    {"oom_score_adj", EntryKind::File, generate_oom_score_adj, {}, write_oom_score_adj},
    {"personality", EntryKind::File, generate_personality, {}, nullptr, 0400},
    {"root", EntryKind::Symlink, root_link_target},
    {"smaps", EntryKind::File, generate_smaps},
    {"smaps_rollup", EntryKind::File, generate_smaps_rollup},
    {"stat", EntryKind::File, generate_stat},
    {"statm", EntryKind::File, generate_statm},
    {"status", EntryKind::File, generate_status},
    {"wchan", EntryKind::File, generate_wchan},
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
