// bench/threads: futex ping-pong between two threads and thread
// create+join, each measured by the same program natively and inside
// cella in one run.
#include <cstdio>
#include <string>
#include <vector>

#include "bench_common.h"

using namespace cella::bench;

namespace {

struct Case {
    const char* title;
    const char* program;
    const char* iterations;
    const char* unit;
};

}  // namespace

int main() {
    const Case cases[] = {
        {"futex ping-pong, one-way hand-off", "bench_futex_pingpong", "20000", "ns"},
        {"thread create + join", "bench_thread_create", "2000", "ns"},
    };
    std::vector<std::string> programs;
    for (const Case& c : cases) programs.push_back(program_path(c.program));
    ScratchInstance instance(programs);
    for (const Case& c : cases) {
        double native = std::stod(capture_command({program_path(c.program), c.iterations}));
        double enclave = std::stod(capture_command({cella_binary(), "run", "-C", instance.path(),
                                                    std::string("/usr/local/bin/") + c.program, c.iterations}));
        std::printf("%s (x %s), mean %s\n", c.title, c.iterations, c.unit);
        std::printf("  native        %10.1f\n", native);
        std::printf("  cella         %10.1f\n", enclave);
        std::printf("  ratio cella/native: %.2fx\n", enclave / native);
    }
    return 0;
}
