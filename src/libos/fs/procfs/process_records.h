#pragma once
// What else /proc/PID tells about a process: the auxiliary vector it
// started with, its resource limits, I/O counts, OOM adjustment,
// personality, and the fixed answers for what the LibOS does not have
// (login uid, cgroup, wait channel).
#include "nodes.h"

namespace cella::fs::procfs {

Result<void> generate_auxv(const Subject& subject, TextBuilder& out);
Result<void> generate_limits(const Subject& subject, TextBuilder& out);
Result<void> generate_io(const Subject& subject, TextBuilder& out);
Result<void> generate_oom_score_adj(const Subject& subject, TextBuilder& out);
Result<void> write_oom_score_adj(const Subject& subject, std::string_view text);
Result<void> generate_oom_score(const Subject& subject, TextBuilder& out);
Result<void> generate_personality(const Subject& subject, TextBuilder& out);
Result<void> generate_loginuid(const Subject& subject, TextBuilder& out);
Result<void> generate_cgroup(const Subject& subject, TextBuilder& out);
Result<void> generate_wchan(const Subject& subject, TextBuilder& out);

}  // namespace cella::fs::procfs
