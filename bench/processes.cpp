// bench/processes: spawn+wait latency of a small static-pie program and of
// Debian's dynamic /bin/true, and vfork+execve+wait of a program that only
// exits, each with the share of cella's figure that entering the LibOS for
// its syscalls explains (count x the cost of one getppid served inside
// cella); fork+wait (process.fork = "sequential") with a
// child that exits and one that execs; pipe throughput between two
// processes at 1 B, 4 KiB and 64 KiB writes; and a busybox sh loop of
// two-stage pipelines — each natively and inside cella in one run.
#include <cstdio>
#include <string>
#include <vector>

#include "bench_common.h"

using namespace cella::bench;

namespace {

void report(const char* title, const char* unit, double native, double enclave, bool higher_is_better) {
    std::printf("%s, %s\n", title, unit);
    std::printf("  native        %10.1f\n", native);
    std::printf("  cella         %10.1f\n", enclave);
    std::printf("  ratio cella/native: %.2fx%s\n", enclave / native,
                higher_is_better ? " (throughput: higher is better)" : "");
}

// Syscalls one start+wait makes inside cella, parent and child together:
// the --strace lines of 6 iterations less those of 1, over 5. `command`
// gives the command line for a number of iterations.
template <typename Command>
double syscalls_per_iteration(const std::vector<std::string>& run, Command command) {
    auto count = [&](const char* iterations) {
        std::vector<std::string> argv = run;
        argv.push_back("--strace");
        std::vector<std::string> args = command(iterations);
        argv.insert(argv.end(), args.begin(), args.end());
        std::string trace = capture_output(argv, 2);
        double lines = 0;
        for (std::size_t at = trace.find("[pid "); at != std::string::npos; at = trace.find("\n[pid ", at + 1)) ++lines;
        return lines;
    };
    return (count("6") - count("1")) / 5;
}

}  // namespace

int main() {
    std::vector<std::string> programs = {program_path("bench_spawn_wait"), program_path("bench_pipe_throughput"),
                                         program_path("bench_fork_wait"), program_path("bench_hello"),
                                         program_path("bench_exit_only"), program_path("bench_getppid"), "/bin/true",
                                         "/bin/busybox"};
    ScratchInstance instance(programs);
    instance.set_config_string("fork", "sequential");
    std::vector<std::string> run = {cella_binary(), "run", "-C", instance.path()};
    auto in_cella = [&](std::vector<std::string> argv) {
        argv.insert(argv.begin(), run.begin(), run.end());
        return std::stod(capture_command(argv));
    };
    // What entering the LibOS for one syscall costs (bench/syscall's
    // "rewritten" figure: a program's sites are rewritten after their first
    // trap, or ahead of it from its file's record).
    double trap_us = in_cella({"/usr/local/bin/bench_getppid", "200000"}) / 1000;
    std::printf("one syscall (getppid) served inside cella: %.3f us\n", trap_us);
    struct SpawnCase {
        const char* title;
        std::string native_target;
        const char* enclave_target;
        const char* count;
        bool by_vfork;
    } spawn_cases[] = {
        {"spawn+wait, static-pie hello (x 200), mean", program_path("bench_hello"), "/usr/local/bin/bench_hello", "200",
         false},
        {"spawn+wait, dynamic /bin/true (x 100), mean", "/bin/true", "/usr/local/bin/true", "100", false},
        {"vfork+execve+wait, static-pie program that only exits (x 500), mean", program_path("bench_exit_only"),
         "/usr/local/bin/bench_exit_only", "500", true},
    };
    for (const SpawnCase& c : spawn_cases) {
        auto command = [&](const std::string& spawner, const std::string& target, const char* count) {
            std::vector<std::string> args = {spawner, target, count};
            if (c.by_vfork) args.push_back("vfork");
            return args;
        };
        auto in_enclave = [&](const char* count) {
            return command("/usr/local/bin/bench_spawn_wait", c.enclave_target, count);
        };
        double native = std::stod(capture_command(command(program_path("bench_spawn_wait"), c.native_target, c.count)));
        double enclave = in_cella(in_enclave(c.count));
        report(c.title, "us", native, enclave, false);
        double syscalls = syscalls_per_iteration(run, in_enclave);
        std::printf("  in cella: %.0f syscalls per iteration x %.3f us = %.0f us entering the LibOS (%.0f%%), %.0f us the rest\n",
                    syscalls, trap_us, syscalls * trap_us, 100 * syscalls * trap_us / enclave,
                    enclave - syscalls * trap_us);
    }
    struct ForkCase {
        const char* title;
        std::vector<std::string> native_args;
        std::vector<std::string> enclave_args;
    } fork_cases[] = {
        {"fork+wait, child exits (x 200), mean", {"exit", "200"}, {"exit", "200"}},
        {"fork+exec+wait, static-pie hello (x 200), mean",
         {"exec", program_path("bench_hello"), "200"},
         {"exec", "/usr/local/bin/bench_hello", "200"}},
    };
    for (const ForkCase& c : fork_cases) {
        std::vector<std::string> native = {program_path("bench_fork_wait")};
        native.insert(native.end(), c.native_args.begin(), c.native_args.end());
        std::vector<std::string> enclave = {"/usr/local/bin/bench_fork_wait"};
        enclave.insert(enclave.end(), c.enclave_args.begin(), c.enclave_args.end());
        report(c.title, "us", std::stod(capture_command(native)), in_cella(enclave), false);
    }
    // The shell forks for each stage and execs busybox again for `cat`;
    // timed from outside, so cella's start (a few ms) is in its figure.
    const std::string loop =
        "i=0; while [ $i -lt 100 ]; do echo x | busybox cat >/dev/null; i=$((i + 1)); done";
    double native_shell = time_command_us({"/bin/busybox", "sh", "-c", loop}) / 100;
    double enclave_shell =
        time_command_us({cella_binary(), "run", "-C", instance.path(), "/usr/local/bin/busybox", "sh", "-c", loop}) / 100;
    report("busybox sh: `echo x | busybox cat` (x 100, whole run), mean", "us", native_shell, enclave_shell, false);
    struct PipeCase {
        const char* title;
        const char* chunk;
        const char* total;
        const char* kind = "pipe";
    } pipe_cases[] = {
        {"pipe between processes, 1 B writes (256 KiB)", "1", "262144"},
        {"pipe between processes, 4 KiB writes (256 MiB)", "4096", "268435456"},
        {"pipe between processes, 64 KiB writes (1 GiB)", "65536", "1073741824"},
        {"AF_UNIX stream between processes, 4 KiB writes (256 MiB)", "4096", "268435456", "socket"},
        {"AF_UNIX stream between processes, 64 KiB writes (1 GiB)", "65536", "1073741824", "socket"},
    };
    for (const PipeCase& c : pipe_cases) {
        double native = std::stod(capture_command({program_path("bench_pipe_throughput"), c.chunk, c.total, c.kind}));
        double enclave = in_cella({"/usr/local/bin/bench_pipe_throughput", c.chunk, c.total, c.kind});
        report(c.title, "MiB/s", native, enclave, true);
    }
    return 0;
}
