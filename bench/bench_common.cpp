#include "bench_common.h"

#include <fstream>

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <numeric>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace cella::bench {
namespace {

pid_t spawn(const std::vector<std::string>& argv, int stdout_fd, int stderr_fd = -1) {
    std::vector<char*> args;
    for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, stdout_fd, 1);
    if (stderr_fd >= 0) posix_spawn_file_actions_adddup2(&actions, stderr_fd, 2);
    pid_t pid;
    int error = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (error) throw std::runtime_error("cannot start " + argv[0]);
    return pid;
}

int wait_for(pid_t pid) {
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

std::string cella_binary() { return CELLA_BENCH_CELLA; }
std::string program_path(const std::string& name) { return std::string(CELLA_BENCH_PROGRAMS) + "/" + name; }

void run_checked(const std::vector<std::string>& argv) {
    int null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    int status = wait_for(spawn(argv, null_fd));
    close(null_fd);
    if (status != 0) throw std::runtime_error(argv[0] + " " + (argv.size() > 1 ? argv[1] : "") + " failed");
}

double time_command_us(const std::vector<std::string>& argv) {
    int null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    auto start = std::chrono::steady_clock::now();
    int status = wait_for(spawn(argv, null_fd));
    auto end = std::chrono::steady_clock::now();
    close(null_fd);
    if (status != 0) throw std::runtime_error(argv[0] + " exited with " + std::to_string(status));
    return std::chrono::duration<double, std::micro>(end - start).count();
}

std::string capture_command(const std::vector<std::string>& argv) { return capture_output(argv, 1); }

std::string capture_output(const std::vector<std::string>& argv, int fd) {
    int pipe_fds[2];
    if (pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
    pid_t pid;
    if (fd == 2) {
        int null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
        pid = spawn(argv, null_fd, pipe_fds[1]);
        close(null_fd);
    } else {
        pid = spawn(argv, pipe_fds[1]);
    }
    close(pipe_fds[1]);
    std::string out;
    char buffer[4096];
    ssize_t n;
    while ((n = read(pipe_fds[0], buffer, sizeof buffer)) > 0) out.append(buffer, n);
    close(pipe_fds[0]);
    if (wait_for(pid) != 0) throw std::runtime_error(argv[0] + " failed");
    return out;
}

Background::Background(const std::vector<std::string>& argv, const std::string& log) {
    int fd = open(log.empty() ? "/dev/null" : log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw std::runtime_error("cannot open " + log);
    pid_ = spawn(argv, fd, fd);
    close(fd);
}

bool Background::running() {
    if (status_ >= 0) return false;
    int status;
    if (waitpid(pid_, &status, WNOHANG) != pid_) return true;
    status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return false;
}

int Background::stop(int signal) {
    if (!running()) return status_;
    kill(pid_, signal);
    for (int i = 0; i < 100 && running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (running()) {
        kill(pid_, SIGKILL);
        status_ = wait_for(pid_);
    }
    return status_;
}

Background::~Background() { stop(SIGTERM); }

int free_port() {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0)
        throw std::runtime_error("no free port");
    close(fd);
    return ntohs(address.sin_port);
}

void wait_for_port(int port, Background& server) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    for (int i = 0; i < 200; ++i) {
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        bool up = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
        close(fd);
        if (up) return;
        if (!server.running()) throw std::runtime_error("the server exited before it listened");
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    throw std::runtime_error("nothing listens on port " + std::to_string(port));
}

ScratchInstance::ScratchInstance(const std::vector<std::string>& programs) {
    char folder[] = "/tmp/cella-bench-XXXXXX";
    if (!mkdtemp(folder)) throw std::runtime_error("mkdtemp");
    path_ = std::string(folder) + "/instance";
    run_checked({cella_binary(), "new", path_});
    for (const std::string& program : programs)
        run_checked({cella_binary(), "add", "-C", path_, "--to", "/usr/local/bin", program});
    run_checked({cella_binary(), "build", "-C", path_});
}

void ScratchInstance::set_config_string(const std::string& key, const std::string& value) {
    std::string file = path_ + "/cella.json";
    std::ifstream in(file);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::string quoted = "\"" + key + "\":";
    std::size_t at = text.find(quoted);
    if (at == std::string::npos) throw std::runtime_error(file + ": no key " + key);
    std::size_t open = text.find('"', at + quoted.size());
    std::size_t close = text.find('"', open + 1);
    text.replace(open, close - open + 1, "\"" + value + "\"");
    std::ofstream(file) << text;
}

ScratchInstance::~ScratchInstance() {
    std::error_code ignored;
    std::filesystem::remove_all(std::filesystem::path(path_).parent_path(), ignored);
}

Summary summarize(std::vector<double> samples) {
    std::sort(samples.begin(), samples.end());
    double mean = std::accumulate(samples.begin(), samples.end(), 0.0) / samples.size();
    return {samples[samples.size() / 2], mean, samples.front()};
}

}  // namespace cella::bench
