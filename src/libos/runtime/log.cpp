#include "log.h"

#include <cstdarg>

#include "libos/base/format.h"
#include "libos/host/host.h"

namespace cella::log {
namespace {

int g_stderr_fd = 2;
bool g_debug = false;

void emit(const char* prefix, const char* fmt, va_list args) {
    char line[1024];
    std::size_t n = prefix ? base::format_to(line, sizeof line, "%s", prefix) : 0;
    if (n >= sizeof line) n = sizeof line - 1;
    std::size_t m = base::vformat_to(line + n, sizeof line - n, fmt, args);
    n = (n + m < sizeof line - 1) ? n + m : sizeof line - 2;
    line[n++] = '\n';
    host::write_all(g_stderr_fd, line, n);
}

}  // namespace

void init(int host_stderr_fd, bool debug) {
    g_stderr_fd = host_stderr_fd;
    g_debug = debug;
}

bool debug_enabled() { return g_debug; }
int host_stderr() { return g_stderr_fd; }

#define CELLA_LOG_FN(name, prefix, condition) \
    void name(const char* fmt, ...) {         \
        if (!(condition)) return;             \
        va_list args;                         \
        va_start(args, fmt);                  \
        emit(prefix, fmt, args);              \
        va_end(args);                         \
    }

CELLA_LOG_FN(debug, "cella[debug]: ", g_debug)
CELLA_LOG_FN(warn, "cella: warning: ", true)
CELLA_LOG_FN(error, "cella: ", true)
CELLA_LOG_FN(raw, nullptr, true)

}  // namespace cella::log
