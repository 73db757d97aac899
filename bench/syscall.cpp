// bench/syscall: the cost of one syscall natively and inside cella, with
// syscall sites rewritten into direct LibOS entries (the default) and with
// every syscall trapping through Syscall User Dispatch
// (CELLA_SYSCALL_REWRITE=0), measured by the same program from inside
// itself so process start does not count. Also: how many sites one run
// rewrote and how many syscalls still trapped (the LibOS's debug line).
#include <cstdio>
#include <cstdlib>
#include <regex>
#include <string>

#include "bench_common.h"

using namespace cella::bench;

namespace {

double run_in_cella(const ScratchInstance& instance, const std::string& iterations, const std::string& kind,
                    bool rewrite) {
    if (rewrite)
        unsetenv("CELLA_SYSCALL_REWRITE");
    else
        setenv("CELLA_SYSCALL_REWRITE", "0", 1);
    double ns = std::stod(capture_command(
        {cella_binary(), "run", "-C", instance.path(), "/usr/local/bin/bench_getppid", iterations, kind}));
    unsetenv("CELLA_SYSCALL_REWRITE");
    return ns;
}

// The LibOS's exit line: "syscall rewriting on: N sites rewritten (A of them
// ahead of their first trap, from their file's record), M not rewritable, K
// syscalls trapped".
std::string rewrite_counts(const ScratchInstance& instance, const std::string& iterations, const std::string& kind) {
    setenv("CELLA_LOG", "debug", 1);
    std::string log = capture_output(
        {cella_binary(), "run", "-C", instance.path(), "/usr/local/bin/bench_getppid", iterations, kind}, 2);
    unsetenv("CELLA_LOG");
    std::smatch match;
    std::regex line(
        "syscall rewriting \\w+: ([0-9]+) sites rewritten \\(([0-9]+) of them ahead[^)]*\\), ([0-9]+) not rewritable, "
        "([0-9]+) syscalls trapped");
    if (!std::regex_search(log, match, line)) return "(no count in the debug log)";
    return match[1].str() + " sites rewritten (" + match[2].str() + " ahead of their first trap), " + match[3].str() +
           " not rewritable, " + match[4].str() + " syscalls trapped";
}

}  // namespace

int main(int argc, char** argv) {
    std::string iterations = argc > 1 ? argv[1] : "200000";
    std::string program = program_path("bench_getppid");
    ScratchInstance instance({program});
    std::printf("syscall: mean nanoseconds per call, x %s calls; cella with sites rewritten and with every call trapping\n",
                iterations.c_str());
    std::printf("  %-34s %9s %9s %9s %9s %9s\n", "call", "native", "rewritten", "trapped", "rw/nat", "trap/nat");
    const char* kinds[][2] = {{"getppid", "getppid()"},
                              {"pread", "pread() 1 byte of /dev/zero"},
                              {"read", "read() 1 byte of /dev/zero"},
                              {"clock", "clock_gettime() (vDSO, control)"}};
    for (auto& [kind, label] : kinds) {
        double native = std::stod(capture_command({program, iterations, kind}));
        double rewritten = run_in_cella(instance, iterations, kind, true);
        double trapped = run_in_cella(instance, iterations, kind, false);
        std::printf("  %-34s %9.1f %9.1f %9.1f %8.2fx %8.2fx\n", label, native, rewritten, trapped, rewritten / native,
                    trapped / native);
        std::printf("      per run: %s\n", rewrite_counts(instance, iterations, kind).c_str());
    }
    return 0;
}
