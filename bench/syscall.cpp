// bench/syscall: the cost of one getppid() natively and inside cella (a
// Syscall User Dispatch round trip into the LibOS), measured by the same
// program from inside itself, so process start does not count.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "bench_common.h"

using namespace cella::bench;

int main(int argc, char** argv) {
    std::string iterations = argc > 1 ? argv[1] : "200000";
    std::string program = program_path("bench_getppid");
    ScratchInstance instance({program});
    double native = std::stod(capture_command({program, iterations}));
    double enclave = std::stod(capture_command(
        {cella_binary(), "run", "-C", instance.path(), "/usr/local/bin/bench_getppid", iterations}));
    std::printf("syscall: getppid() x %s, mean nanoseconds per call\n", iterations.c_str());
    std::printf("  native        %8.1f\n", native);
    std::printf("  cella         %8.1f\n", enclave);
    std::printf("  ratio cella/native: %.2fx\n", enclave / native);
    return 0;
}
