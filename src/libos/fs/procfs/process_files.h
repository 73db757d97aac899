#pragma once
// The files and links of /proc/PID and /proc/PID/task/TID.
#include "nodes.h"

namespace cella::fs::procfs {

Result<void> generate_cmdline(const Subject& subject, TextBuilder& out);
// The environment the program started with, NUL-separated as cmdline.
Result<void> generate_environ(const Subject& subject, TextBuilder& out);
Result<void> generate_comm(const Subject& subject, TextBuilder& out);
Result<void> generate_stat(const Subject& subject, TextBuilder& out);
Result<void> generate_statm(const Subject& subject, TextBuilder& out);
Result<void> generate_status(const Subject& subject, TextBuilder& out);

// Symlink targets.
Result<void> exe_link_target(const Subject& subject, TextBuilder& out);
Result<void> cwd_link_target(const Subject& subject, TextBuilder& out);
Result<void> root_link_target(const Subject& subject, TextBuilder& out);
Result<void> fd_link_target(const Subject& subject, TextBuilder& out);
// The open file /proc/PID/fd/N names, for following it as a magic link.
RefPtr<OpenFile> fd_link_file(const Subject& subject);

}  // namespace cella::fs::procfs
