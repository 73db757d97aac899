#pragma once
// The system-wide files of /proc: CPU, memory, time and kernel facts, and
// the /proc/self and /proc/thread-self links.
#include "nodes.h"

namespace cella::fs::procfs {

Result<void> generate_cpuinfo(const Subject& subject, TextBuilder& out);
Result<void> generate_meminfo(const Subject& subject, TextBuilder& out);
Result<void> generate_system_stat(const Subject& subject, TextBuilder& out);
Result<void> generate_uptime(const Subject& subject, TextBuilder& out);
Result<void> generate_loadavg(const Subject& subject, TextBuilder& out);
Result<void> generate_version(const Subject& subject, TextBuilder& out);

// /proc/sys
Result<void> generate_hostname(const Subject& subject, TextBuilder& out);
Result<void> generate_domainname(const Subject& subject, TextBuilder& out);
Result<void> generate_dmesg_restrict(const Subject& subject, TextBuilder& out);
Result<void> generate_ostype(const Subject& subject, TextBuilder& out);
Result<void> generate_osrelease(const Subject& subject, TextBuilder& out);
Result<void> generate_kernel_version(const Subject& subject, TextBuilder& out);
Result<void> generate_pid_max(const Subject& subject, TextBuilder& out);
Result<void> generate_threads_max(const Subject& subject, TextBuilder& out);
Result<void> generate_cap_last_cap(const Subject& subject, TextBuilder& out);
Result<void> generate_overcommit_memory(const Subject& subject, TextBuilder& out);
Result<void> generate_max_map_count(const Subject& subject, TextBuilder& out);
Result<void> generate_mmap_min_addr(const Subject& subject, TextBuilder& out);
Result<void> generate_ngroups_max(const Subject& subject, TextBuilder& out);
Result<void> generate_core_pattern(const Subject& subject, TextBuilder& out);
Result<void> generate_printk(const Subject& subject, TextBuilder& out);
Result<void> generate_ptrace_scope(const Subject& subject, TextBuilder& out);
Result<void> generate_boot_id(const Subject& subject, TextBuilder& out);
Result<void> generate_uuid(const Subject& subject, TextBuilder& out);
Result<void> generate_entropy_avail(const Subject& subject, TextBuilder& out);
Result<void> generate_pipe_max_size(const Subject& subject, TextBuilder& out);
Result<void> generate_file_max(const Subject& subject, TextBuilder& out);
Result<void> generate_nr_open(const Subject& subject, TextBuilder& out);
Result<void> generate_inotify_max_queued_events(const Subject& subject, TextBuilder& out);
Result<void> generate_inotify_max_user_instances(const Subject& subject, TextBuilder& out);
Result<void> generate_inotify_max_user_watches(const Subject& subject, TextBuilder& out);
Result<void> generate_somaxconn(const Subject& subject, TextBuilder& out);

// Called once when procfs is mounted: /proc/sys/kernel/random/boot_id's value.
Result<void> record_boot_id();

// Symlink targets, relative to /proc.
Result<void> self_link_target(const Subject& subject, TextBuilder& out);
Result<void> thread_self_link_target(const Subject& subject, TextBuilder& out);

}  // namespace cella::fs::procfs
