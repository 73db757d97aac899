// bench/startup: `cella run /usr/local/bin/hello` against the same
// static-pie binary started natively, from one run. Each sample is a whole
// process start, run and exit as seen by a parent (posix_spawn + waitpid).
#include <cstdio>
#include <cstdlib>

#include "bench_common.h"

using namespace cella::bench;

int main(int argc, char** argv) {
    int rounds = argc > 1 ? std::atoi(argv[1]) : 200;
    std::string hello = program_path("bench_hello");
    ScratchInstance instance({hello});
    std::vector<std::string> native_cmd = {hello};
    std::vector<std::string> cella_cmd = {cella_binary(), "run", "-C", instance.path(), "/usr/local/bin/bench_hello"};
    for (int i = 0; i < 10; ++i) {  // warm the page cache
        time_command_us(native_cmd);
        time_command_us(cella_cmd);
    }
    std::vector<double> native, enclave;
    for (int i = 0; i < rounds; ++i) {  // interleaved, so drift hits both alike
        native.push_back(time_command_us(native_cmd));
        enclave.push_back(time_command_us(cella_cmd));
    }
    Summary n = summarize(native), c = summarize(enclave);
    std::printf("startup: hello (static-pie), %d rounds, median [mean] in microseconds\n", rounds);
    std::printf("  native        %8.1f  [%8.1f]\n", n.median, n.mean);
    std::printf("  cella run     %8.1f  [%8.1f]\n", c.median, c.mean);
    std::printf("  ratio cella/native (median): %.2fx\n", c.median / n.median);
    return 0;
}
