#pragma once
// What the cella benchmarks share: a scratch instance holding the
// benchmark programs, and running a command and timing or capturing it.
#include <string>
#include <vector>

namespace cella::bench {

// A fresh instance in a temporary folder with `programs` added under
// /usr/local/bin and built; removed when destroyed.
class ScratchInstance {
public:
    explicit ScratchInstance(const std::vector<std::string>& programs);
    ~ScratchInstance();
    const std::string& path() const { return path_; }
    // Sets a string key of cella.json (the first one of that name).
    void set_config_string(const std::string& key, const std::string& value);

private:
    std::string path_;
};

// Runs argv, stdout to /dev/null, and returns the wall time in microseconds.
double time_command_us(const std::vector<std::string>& argv);
// Runs argv and returns its stdout.
std::string capture_command(const std::vector<std::string>& argv);
// Runs argv and returns what it wrote to `fd` (1 or 2; stdout goes to
// /dev/null when it is 2).
std::string capture_output(const std::vector<std::string>& argv, int fd);
// Runs argv quietly; throws if it fails.
void run_checked(const std::vector<std::string>& argv);

// A program running in the background for as long as this object lives,
// stdout and stderr to `log` (/dev/null when empty); stopped with SIGTERM
// (then SIGKILL) when destroyed unless it has exited.
class Background {
public:
    Background(const std::vector<std::string>& argv, const std::string& log = "");
    ~Background();
    Background(const Background&) = delete;
    Background& operator=(const Background&) = delete;
    int pid() const { return pid_; }
    bool running();
    // Sends `signal` and waits for the exit; returns the exit status (128+signal when killed).
    int stop(int signal);

private:
    int pid_;
    int status_ = -1;
};

// A TCP port on 127.0.0.1 that is free now (the kernel picks it).
int free_port();
// Waits up to 10 s until 127.0.0.1:port accepts a connection; throws if
// `server` exits first or the time runs out.
void wait_for_port(int port, Background& server);

std::string cella_binary();
std::string program_path(const std::string& name);

struct Summary {
    double median;
    double mean;
    double min;
};
Summary summarize(std::vector<double> samples);

}  // namespace cella::bench
