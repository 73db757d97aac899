#pragma once
// LibOS diagnostics on the host's stderr. Debug lines appear only with
// CELLA_LOG=debug; warnings and errors always.

namespace cella::log {

void init(int host_stderr_fd, bool debug);
bool debug_enabled();
int host_stderr();

void debug(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void warn(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void error(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
// A line as is (for strace), without the "cella:" prefix.
void raw(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

}  // namespace cella::log
