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

std::string cella_binary();
std::string program_path(const std::string& name);

struct Summary {
    double median;
    double mean;
    double min;
};
Summary summarize(std::vector<double> samples);

}  // namespace cella::bench
