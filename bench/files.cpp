// bench/files: file-system operations in /tmp, natively and inside cella
// in one run: open+close, stat, 4 KiB and 1 MiB sequential writes and
// reads of a 64 MiB file, readdir of 10,000 files, creating 10,000 files
// in one folder, and Debian's sqlite3 inserting 100,000 rows (with an
// index) in one transaction, and GNU sort of a 10 MB file. Inside cella /tmp is ramfs, in LibOS memory;
// natively it is the host's /tmp (here a disk file system, through the
// page cache). Runs alternate, so drift in the machine's load hits both
// sides alike; the median run is reported.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <unistd.h>

#include "bench_common.h"

using namespace cella::bench;

namespace {

void report(const std::string& title, const char* unit, std::vector<double> native, std::vector<double> enclave) {
    Summary n = summarize(native), c = summarize(enclave);
    std::printf("%s (%zu runs), %s, median [min]\n", title.c_str(), native.size(), unit);
    std::printf("  native        %12.2f  [%12.2f]\n", n.median, n.min);
    std::printf("  cella         %12.2f  [%12.2f]\n", c.median, c.min);
    std::printf("  ratio cella/native (median): %.2fx\n", c.median / n.median);
    std::fflush(stdout);
}

// The sum of sqlite3's ".timer on" wall times for the statements after the
// first `skip` ones, in ms.
double sqlite_ms(const std::string& output, int skip) {
    std::istringstream lines(output);
    std::string line;
    double total = 0;
    int seen = 0;
    while (std::getline(lines, line)) {
        double real = 0;
        if (std::sscanf(line.c_str(), "Run Time: real %lf", &real) != 1) continue;
        if (seen++ >= skip) total += real;
    }
    if (seen == 0) throw std::runtime_error("sqlite3 printed no timings: " + output);
    return total * 1e3;
}

constexpr const char* kInsertSql =
    ".timer on\n"
    "CREATE TABLE t(id INTEGER PRIMARY KEY, k INTEGER NOT NULL, v TEXT NOT NULL);\n"
    "CREATE INDEX t_k ON t(k);\n"
    "BEGIN;\n"
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000)\n"
    "  INSERT INTO t(k, v) SELECT (x * 7919) % 100003, 'row' || x FROM c;\n"
    "COMMIT;\n";

// 400,000 lines of about 25 bytes in a fixed pseudo-random order.
void write_sort_input(const std::string& path) {
    std::ofstream out(path);
    std::uint64_t state = 88172645463325252ull;
    for (int line = 0; line < 400000; ++line) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        out << "key-" << state % 1000000007 << "-value-" << line << '\n';
    }
    if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace

int main(int argc, char** argv) {
    int runs = argc > 1 ? std::atoi(argv[1]) : 3;
    std::string program = program_path("bench_file_ops");
    ScratchInstance instance({program, "/usr/bin/sqlite3", "/usr/bin/sort"});
    std::ofstream(instance.path() + "/image/root/insert.sql") << kInsertSql;
    write_sort_input(instance.path() + "/image/root/sort-input");
    run_checked({cella_binary(), "build", "-C", instance.path()});
    char scratch[] = "/tmp/cella-bench-files-XXXXXX";
    if (!mkdtemp(scratch)) throw std::runtime_error("mkdtemp");
    std::string native_dir = scratch;
    std::ofstream(native_dir + "/insert.sql") << kInsertSql;
    write_sort_input(native_dir + "/sort-input");

    struct Case {
        std::string title;
        const char* unit;
        std::vector<std::string> args;  // after the folder
    };
    const std::vector<Case> cases = {
        {"open + close of a /tmp file (x 20000)", "ns per call pair", {"open", "20000"}},
        {"stat of a /tmp file (x 20000)", "ns per call", {"stat", "20000"}},
        {"sequential write of a 64 MiB /tmp file in 4 KiB writes (x 3)", "ms per file", {"write", "4096", "3"}},
        {"sequential write of a 64 MiB /tmp file in 1 MiB writes (x 3)", "ms per file", {"write", "1048576", "3"}},
        {"sequential read of a 64 MiB /tmp file in 4 KiB reads (x 3)", "ms per file", {"read", "4096", "3"}},
        {"sequential read of a 64 MiB /tmp file in 1 MiB reads (x 3)", "ms per file", {"read", "1048576", "3"}},
        {"readdir of a /tmp folder of 10,000 files (x 20)", "us per listing", {"readdir", "10000", "20"}},
        {"creating 10,000 empty files in one /tmp folder", "ns per file", {"create", "10000"}},
    };
    for (const Case& c : cases) {
        std::vector<double> native, enclave;
        for (int run = 0; run < runs; ++run) {
            std::vector<std::string> here = {program, c.args[0], native_dir};
            std::vector<std::string> inside = {cella_binary(), "run", "-C", instance.path(),
                                               "/usr/local/bin/bench_file_ops", c.args[0], "/tmp"};
            for (std::size_t i = 1; i < c.args.size(); ++i) {
                here.push_back(c.args[i]);
                inside.push_back(c.args[i]);
            }
            native.push_back(std::stod(capture_command(here)));
            enclave.push_back(std::stod(capture_command(inside)));
        }
        report(c.title, c.unit, native, enclave);
    }

    std::vector<double> native, enclave;
    for (int run = 0; run < runs; ++run) {
        std::string database = native_dir + "/insert.db";
        unlink(database.c_str());
        native.push_back(sqlite_ms(capture_command({"/usr/bin/sqlite3", database, ".read " + native_dir + "/insert.sql"}), 2));
        unlink(database.c_str());
        enclave.push_back(sqlite_ms(capture_command({cella_binary(), "run", "-C", instance.path(),
                                                     "/usr/local/bin/sqlite3", "/tmp/insert.db", ".read /root/insert.sql"}),
                                    2));
    }
    report("sqlite3: 100,000 rows with an index inserted in one transaction (BEGIN..COMMIT)", "ms", native, enclave);

    // GNU sort sizes its buffer from sysconf(_SC_PHYS_PAGES): wrong figures
    // there once made it spill thousands of temporary files.
    native.clear();
    enclave.clear();
    for (int run = 0; run < runs; ++run) {
        native.push_back(time_command_us({"/usr/bin/sort", native_dir + "/sort-input", "-o", native_dir + "/sorted"}) /
                         1e3);
        enclave.push_back(time_command_us({cella_binary(), "run", "-C", instance.path(), "/usr/local/bin/sort",
                                           "/root/sort-input", "-o", "/tmp/sorted"}) /
                          1e3);
    }
    report("GNU sort of a 10 MB file of 400,000 lines (whole command, cella's start included)", "ms", native, enclave);
    unlink((native_dir + "/sorted").c_str());
    unlink((native_dir + "/sort-input").c_str());
    unlink((native_dir + "/insert.sql").c_str());
    rmdir(native_dir.c_str());
    return 0;
}
