// bench/mmap: mmap + touch one page + munmap of 4 KiB and of 1 MiB, and
// a 64 MiB /tmp file mapped MAP_SHARED and read through, measured by the
// same programs natively and inside cella in one run.
// Inside cella each round is three trips into the LibOS (the syscalls
// are trapped) plus the host calls behind them; the first touch is a
// host page fault, as it is natively. Runs alternate, so drift in the
// machine's load hits both sides alike; the median run is reported.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench_common.h"

using namespace cella::bench;

int main(int argc, char** argv) {
    std::string rounds = argc > 1 ? argv[1] : "10000";
    int runs = argc > 2 ? std::atoi(argv[2]) : 5;
    std::string program = program_path("bench_mmap_touch");
    ScratchInstance instance({program});
    const struct {
        const char* title;
        const char* bytes;
    } sizes[] = {{"4 KiB", "4096"}, {"1 MiB", "1048576"}};
    for (const auto& size : sizes) {
        std::vector<double> native, enclave;
        for (int run = 0; run < runs; ++run) {
            native.push_back(std::stod(capture_command({program, size.bytes, rounds})));
            enclave.push_back(std::stod(capture_command({cella_binary(), "run", "-C", instance.path(),
                                                         "/usr/local/bin/bench_mmap_touch", size.bytes, rounds})));
        }
        Summary n = summarize(native), c = summarize(enclave);
        std::printf("mmap + touch one page + munmap of %s (x %s, %d runs), ns per round, median [min]\n", size.title,
                    rounds.c_str(), runs);
        std::printf("  native        %10.1f  [%10.1f]\n", n.median, n.min);
        std::printf("  cella         %10.1f  [%10.1f]\n", c.median, c.min);
        std::printf("  ratio cella/native (median): %.2fx\n", c.median / n.median);
    }

    std::string file_program = program_path("bench_mmap_file");
    ScratchInstance file_instance({file_program});
    std::string file_rounds = argc > 3 ? argv[3] : "10";
    const char* file_size = "67108864";
    // cella's /tmp is a tmpfs; natively /tmp may be a disk file system,
    // whose page cache maps faster, so a native tmpfs (/dev/shm) is shown too.
    std::vector<double> native, native_tmpfs, enclave;
    for (int run = 0; run < runs; ++run) {
        native.push_back(std::stod(capture_command({file_program, file_size, file_rounds})));
        native_tmpfs.push_back(std::stod(capture_command({file_program, file_size, file_rounds, "/dev/shm"})));
        enclave.push_back(std::stod(capture_command({cella_binary(), "run", "-C", file_instance.path(),
                                                     "/usr/local/bin/bench_mmap_file", file_size, file_rounds})));
    }
    Summary n = summarize(native), t = summarize(native_tmpfs), c = summarize(enclave);
    std::printf("mmap MAP_SHARED + read all + munmap of a 64 MiB /tmp file (x %s, %d runs), ms per round, "
                "median [min]\n",
                file_rounds.c_str(), runs);
    std::printf("  native /tmp      %10.2f  [%10.2f]\n", n.median, n.min);
    std::printf("  native /dev/shm  %10.2f  [%10.2f]\n", t.median, t.min);
    std::printf("  cella /tmp       %10.2f  [%10.2f]\n", c.median, c.min);
    std::printf("  ratio cella/native /tmp (median): %.2fx, cella/native tmpfs: %.2fx\n", c.median / n.median,
                c.median / t.median);
    return 0;
}
