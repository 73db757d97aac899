#pragma once
// The mount table as /proc/mounts, /proc/PID/mountinfo and
// /proc/filesystems show it.
#include "nodes.h"

namespace cella::fs::procfs {

Result<void> generate_mounts(const Subject& subject, TextBuilder& out);
Result<void> generate_mountinfo(const Subject& subject, TextBuilder& out);
Result<void> generate_filesystems(const Subject& subject, TextBuilder& out);

// The mountinfo id of the mount whose file system has device `dev`; 0 for
// files on no mount (pipes, sockets, eventfds).
int mount_id_of(std::uint64_t dev);

// The file system types in /proc/filesystems order, for sysfs(2): the
// name at `index`, or empty past the end.
std::string_view filesystem_type_name(std::size_t index);

}  // namespace cella::fs::procfs
