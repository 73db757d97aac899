#include "signal_defaults.h"

#include <asm/signal.h>

namespace cella::process {

DefaultAction default_action(int signal) {
    switch (signal) {
    case SIGCHLD:
    case SIGURG:
    case SIGWINCH: return DefaultAction::Ignore;
    case SIGSTOP:
    case SIGTSTP:
    case SIGTTIN:
    case SIGTTOU: return DefaultAction::Stop;
    case SIGCONT: return DefaultAction::Continue;
    default: return DefaultAction::Terminate;  // core-dumping signals terminate too: no core files here
    }
}

const char* signal_name(int signal) {
    static const char* const kNames[] = {
        nullptr,   "SIGHUP",  "SIGINT",    "SIGQUIT", "SIGILL",  "SIGTRAP", "SIGABRT", "SIGBUS",
        "SIGFPE",  "SIGKILL", "SIGUSR1",   "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM",
        "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG",
        "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO",  "SIGPWR",  "SIGSYS"};
    if (signal > 0 && signal < static_cast<int>(sizeof kNames / sizeof kNames[0])) return kNames[signal];
    return signal >= 34 && signal <= 64 ? "SIGRT" : "signal";
}

}  // namespace cella::process
