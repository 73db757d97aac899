// `cella run [--strace] [-C DIR] PATH [ARGS...]`: runs a program of the
// instance's image inside the enclave and exits with its status.
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "commands.h"
#include "config.h"
#include "host/enclave_runner.h"
#include "image_fingerprint.h"
#include "instance.h"
#include "user_error.h"

extern char** environ;

namespace cella::cli {
namespace {

namespace fs = std::filesystem;

struct RunOptions {
    std::string instance_dir;
    bool strace = false;
    std::vector<std::string> command;  // PATH ARGS...
};

// libos.so sits at ../lib/cella/ from the cella executable, in the build
// tree and after `make install` alike.
fs::path libos_path() {
    if (const char* override_path = std::getenv("CELLA_LIBOS")) return override_path;
    std::error_code error;
    fs::path self = fs::read_symlink("/proc/self/exe", error);
    if (error) throw UserError("cannot find the cella executable's folder (/proc/self/exe)");
    return self.parent_path().parent_path() / "lib" / "cella" / "libos.so";
}

bool under_prefix(const std::string& path, const std::string& prefix) {
    fs::path p = fs::path(path).lexically_normal();
    fs::path q = fs::path(prefix).lexically_normal();
    auto mismatch = std::mismatch(q.begin(), q.end(), p.begin(), p.end());
    return mismatch.first == q.end() || (std::next(mismatch.first) == q.end() && mismatch.first->empty());
}

void check_entry_point(const std::string& program, const Config& config, const fs::path& config_file) {
    if (program.empty() || program[0] != '/')
        throw UserError("the program must be an absolute path inside the image, not '" + program + "'");
    for (const std::string& prefix : config.entry_points)
        if (under_prefix(program, prefix)) return;
    std::string prefixes;
    for (const std::string& prefix : config.entry_points) prefixes += (prefixes.empty() ? "" : ", ") + prefix;
    throw UserError(program + " is not under any entry_points prefix of " + config_file.string() + " (" +
                    (prefixes.empty() ? "none" : prefixes) + ")");
}

std::vector<std::string> environment_for(const Config& config) {
    std::vector<std::string> env = config.env_default;
    for (const std::string& name : config.env_untrusted) {
        const char* value = std::getenv(name.c_str());
        if (!value) continue;
        std::string entry = name + "=" + value;
        bool replaced = false;
        for (std::string& existing : env) {
            if (existing.compare(0, name.size() + 1, name + "=") == 0) {
                existing = entry;
                replaced = true;
            }
        }
        if (!replaced) env.push_back(entry);
    }
    return env;
}

int run(const RunOptions& options) {
    Instance instance = Instance::open(options.instance_dir);
    Config config = load_config(instance.config_file());
    require_current_image(instance);
    const std::string& program = options.command.front();
    check_entry_point(program, config, instance.config_file());

    host::EnclaveSpec spec;
    spec.libos_file = libos_path();
    spec.image_file = instance.image_file();
    spec.image_measurement = read_image_hash(instance);
    spec.user_space_size = config.user_space_size;
    spec.libos_heap_size = config.kernel_space_heap_size;
    spec.default_stack_size = config.default_stack_size;
    spec.default_heap_size = config.default_heap_size;
    spec.default_mmap_size = config.default_mmap_size;
    spec.sequential_fork = config.sequential_fork;
    // CELLA_SYSCALL_REWRITE=0 turns rewriting off for one run, for debugging.
    const char* rewrite = std::getenv("CELLA_SYSCALL_REWRITE");
    spec.syscall_rewrite = config.syscall_rewrite && !(rewrite && std::strcmp(rewrite, "0") == 0);
    // CELLA_IO_URING=0 or 1 overrides feature.io_uring for one run.
    const char* uring = std::getenv("CELLA_IO_URING");
    spec.io_uring = uring && (std::strcmp(uring, "0") == 0 || std::strcmp(uring, "1") == 0)
                        ? std::strcmp(uring, "1") == 0
                        : config.io_uring;
    spec.max_threads = config.max_num_of_threads;
    spec.hostname = config.hostname;
    for (const MountConfig& mount : config.mounts) {
        if (mount.type != "ramfs")
            throw UserError(instance.config_file().string() + ": mount of " + mount.type + " at " + mount.target +
                            ": the " + mount.type + " file system type is not supported yet (only ramfs is)");
        std::string joined;
        for (const std::string& option : mount.options) joined += (joined.empty() ? "" : ",") + option;
        spec.mounts.push_back({mount.type, mount.target, mount.source, joined});
    }
    spec.program = program;
    spec.argv = options.command;
    spec.envp = environment_for(config);
    spec.strace = options.strace;
    const char* log_level = std::getenv("CELLA_LOG");
    spec.debug_log = log_level && std::strcmp(log_level, "debug") == 0;

    host::EnclaveOutcome outcome = host::run_enclave(spec);
    if (!outcome.message.empty()) std::fprintf(stderr, "cella: %s\n", outcome.message.c_str());
    return host::exit_status_of(outcome);
}

}  // namespace

std::vector<char*> without_run_separator(int argc, char** argv) {
    std::vector<char*> args(argv, argv + argc);
    std::size_t at = 1;
    while (at < args.size() && std::strcmp(args[at], "run") != 0) {
        if (args[at][0] != '-') return args;  // another subcommand
        ++at;
    }
    for (++at; at < args.size(); ++at) {
        std::string_view arg = args[at];
        if (arg == "--") {
            args.erase(args.begin() + static_cast<std::ptrdiff_t>(at));
            break;
        }
        if (arg == "-C" || arg == "--instance") {
            ++at;
        } else if (arg.empty() || arg[0] != '-') {
            break;  // the program: what follows is its own
        }
    }
    return args;
}

void register_run_command(CLI::App& app, int& exit_code) {
    auto options = std::make_shared<RunOptions>();
    CLI::App* run_cmd = app.add_subcommand("run", "Run a program of the image inside the enclave");
    run_cmd->add_option("-C,--instance", options->instance_dir, "Instance folder (default: the current folder)");
    run_cmd->add_flag("--strace", options->strace, "Print each syscall of the application to stderr");
    // Everything from PATH on belongs to the application, dashes included:
    // CLI11 stops at the first positional and leaves the rest untouched.
    run_cmd->prefix_command();
    run_cmd->footer("PATH [ARGS...]  the program inside the image (under an entry_points prefix) and its arguments");
    run_cmd->callback([options, run_cmd, &exit_code] {
        options->command = run_cmd->remaining();
        if (options->command.empty()) throw UserError("run: missing PATH of the program to run");
        exit_code = run(*options);
    });
}

}  // namespace cella::cli
