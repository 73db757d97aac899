// bench/net: networking natively and inside cella in one run (issue 11).
// Servers run inside cella with their clients native, or the reverse:
// redis-benchmark against redis-server, wrk against nginx serving a static
// file, and iperf3 over loopback; then AF_UNIX stream throughput and a TCP
// 1-byte ping-pong between two processes. Each figure is the median of
// three runs. Last, host calls per request: in sim every host call is a
// syscall of the `cella run` process, so strace counts them; natively it
// counts the program's own syscalls.
#include <signal.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "bench_common.h"

using namespace cella::bench;

namespace {

constexpr int kRuns = 3;

void report(const std::string& title, const char* unit, double native, double enclave, bool higher_is_better) {
    std::printf("%s, %s\n", title.c_str(), unit);
    std::printf("  native        %10.2f\n", native);
    std::printf("  cella         %10.2f\n", enclave);
    std::printf("  ratio cella/native: %.2fx%s\n", enclave / native,
                higher_is_better ? " (throughput: higher is better)" : "");
    std::fflush(stdout);
}

double median_of(const std::function<double()>& measure) {
    std::vector<double> samples;
    for (int i = 0; i < kRuns; ++i) samples.push_back(measure());
    return summarize(samples).median;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The number right after `label` in `text` (its last occurrence with one).
double number_after(const std::string& text, const std::string& label) {
    for (std::size_t at = text.rfind(label); at != std::string::npos;
         at = at == 0 ? std::string::npos : text.rfind(label, at - 1)) {
        try {
            return std::stod(text.substr(at + label.size()));
        } catch (const std::exception&) {
        }
    }
    throw std::runtime_error("no figure after \"" + label + "\" in:\n" + text);
}

// redis-benchmark -q prints "GET: 12345.67 requests per second" after \r-ended progress lines.
double redis_rps(const std::string& output, const std::string& test) {
    std::string text = output;
    std::replace(text.begin(), text.end(), '\r', '\n');
    std::istringstream lines(text);
    std::string line;
    double rps = -1;
    while (std::getline(lines, line)) {
        std::size_t at = line.find(test + ": ");
        if (at != std::string::npos && line.find("requests per second") != std::string::npos)
            rps = std::stod(line.substr(at + test.size() + 2));
    }
    if (rps < 0) throw std::runtime_error("redis-benchmark printed no " + test + " figure:\n" + output);
    return rps;
}

// iperf3's receiver summary, in Gbit/s (-f g).
double iperf3_gbits(const std::string& output) {
    std::size_t end = output.rfind("receiver");
    std::size_t unit = output.rfind(" Gbits/sec", end);
    if (end == std::string::npos || unit == std::string::npos) throw std::runtime_error("iperf3:\n" + output);
    std::size_t start = output.rfind(' ', unit - 1);
    return std::stod(output.substr(start + 1, unit - start - 1));
}

void wait_for_text(const std::string& log, const std::string& text, Background& server) {
    for (int i = 0; i < 200; ++i) {
        if (read_file(log).find(text) != std::string::npos) return;
        if (!server.running()) throw std::runtime_error("the server exited:\n" + read_file(log));
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    throw std::runtime_error("no \"" + text + "\" in " + log);
}

// strace -c's total of syscalls, the "calls" column of its "total" line.
double strace_total(const std::string& summary) {
    std::size_t at = summary.rfind(" total");
    std::size_t line = summary.rfind('\n', at);
    if (at == std::string::npos || line == std::string::npos) throw std::runtime_error("strace:\n" + summary);
    std::istringstream fields(summary.substr(line + 1, at - line));
    std::string percent, seconds, per_call;
    double calls;
    fields >> percent >> seconds >> per_call >> calls;
    return calls;
}

// Syscalls of process `pid` (all its threads) while `work` runs.
double syscalls_during(int pid, const std::string& scratch, const std::function<void()>& work) {
    std::string summary = scratch + "/strace.txt", log = scratch + "/strace.log";
    Background strace({"/usr/bin/strace", "-f", "-c", "-o", summary, "-p", std::to_string(pid)}, log);
    wait_for_text(log, "attached", strace);
    work();
    strace.stop(SIGINT);
    return strace_total(read_file(summary));
}

// Syscalls of a whole run of argv, every process and thread.
double syscalls_of_run(const std::vector<std::string>& argv, const std::string& scratch) {
    std::string summary = scratch + "/strace.txt";
    std::vector<std::string> traced = {"/usr/bin/strace", "-f", "-c", "-o", summary, "--"};
    traced.insert(traced.end(), argv.begin(), argv.end());
    run_checked(traced);
    return strace_total(read_file(summary));
}

void report_calls(const char* what, double native, double enclave) {
    std::printf("%s\n  native syscalls %8.2f   cella host calls %8.2f\n", what, native, enclave);
    std::fflush(stdout);
}

const char* kNginxConf = R"(master_process off;
daemon off;
worker_processes 1;
error_log stderr warn;
pid TMP/nginx.pid;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path TMP/nginx-body;
    proxy_temp_path TMP/nginx-proxy;
    fastcgi_temp_path TMP/nginx-fastcgi;
    uwsgi_temp_path TMP/nginx-uwsgi;
    scgi_temp_path TMP/nginx-scgi;
    server {
        listen 127.0.0.1:PORT;
        root ROOT;
    }
}
)";

std::string nginx_conf(const std::string& tmp, int port, const std::string& root) {
    std::string conf = kNginxConf;
    auto replace = [&](const std::string& from, const std::string& to) {
        for (std::size_t at = conf.find(from); at != std::string::npos; at = conf.find(from, at + to.size()))
            conf.replace(at, from.size(), to);
    };
    replace("TMP", tmp);
    replace("PORT", std::to_string(port));
    replace("ROOT", root);
    return conf;
}



// CELLA_IO_URING=1 for the `cella run`s started while it is on.
class IoUringOn {
public:
    IoUringOn() { on(); }
    ~IoUringOn() { off(); }
    void on() { setenv("CELLA_IO_URING", "1", 1); }
    void off() { unsetenv("CELLA_IO_URING"); }
};

int measure() {
    for (const char* program : {"/usr/bin/redis-server", "/usr/bin/redis-benchmark", "/usr/sbin/nginx", "/usr/bin/wrk",
                                "/usr/bin/ab", "/usr/bin/iperf3", "/usr/bin/strace"})
        if (!std::filesystem::exists(program)) {
            std::fprintf(stderr, "bench/net needs %s: run scripts/install-deps.sh\n", program);
            return 1;
        }
    ScratchInstance instance({program_path("bench_tcp_pingpong"), program_path("bench_pipe_throughput"),
                              "/usr/bin/redis-server", "/usr/sbin/nginx", "/usr/bin/iperf3"});
    const std::string scratch = std::filesystem::path(instance.path()).parent_path();
    const std::vector<std::string> run = {cella_binary(), "run", "-C", instance.path(), "--"};
    auto in_cella = [&](std::vector<std::string> argv) {
        argv.insert(argv.begin(), run.begin(), run.end());
        return argv;
    };

    // nginx serves the same 4 KiB file natively and inside cella, each with
    // one worker in one process (fork in cella is sequential).
    const int nginx_port = free_port(), nginx_native_port = free_port();
    std::string page(4096, 'x');
    std::filesystem::create_directories(instance.path() + "/image/srv/www");
    std::filesystem::create_directories(instance.path() + "/image/etc/nginx");
    std::filesystem::create_directories(scratch + "/www");
    std::ofstream(instance.path() + "/image/srv/www/index.html") << page;
    std::ofstream(scratch + "/www/index.html") << page;
    std::ofstream(instance.path() + "/image/etc/nginx/bench.conf") << nginx_conf("/tmp", nginx_port, "/srv/www");
    std::ofstream(scratch + "/nginx.conf") << nginx_conf(scratch, nginx_native_port, scratch + "/www");
    run_checked({cella_binary(), "build", "-C", instance.path()});

    std::printf("bench/net: median of %d runs each; clients native unless said\n\n", kRuns);
    std::fflush(stdout);

    // redis: the server natively, then inside cella.
    struct RedisFigures {
        double set_p1, get_p1, set_p16, get_p16, calls_per_get;
    };
    auto measure_redis = [&](bool enclave) {
        int port = free_port();
        std::vector<std::string> server = {"redis-server", "--port", std::to_string(port), "--bind", "127.0.0.1",
                                           "--save",       "",       "--appendonly",       "no"};
        server[0] = enclave ? "/usr/local/bin/redis-server" : "/usr/bin/redis-server";
        Background redis(enclave ? in_cella(server) : server, scratch + "/redis.log");
        wait_for_port(port, redis);
        auto bench = [&](const char* pipeline, const char* requests) {
            return capture_command({"/usr/bin/redis-benchmark", "-p", std::to_string(port), "-q", "-t", "set,get",
                                    "-P", pipeline, "-n", requests});
        };
        RedisFigures figures{};
        std::vector<double> set_p1, get_p1, set_p16, get_p16;
        for (int i = 0; i < kRuns; ++i) {
            std::string p1 = bench("1", "20000"), p16 = bench("16", "200000");
            set_p1.push_back(redis_rps(p1, "SET"));
            get_p1.push_back(redis_rps(p1, "GET"));
            set_p16.push_back(redis_rps(p16, "SET"));
            get_p16.push_back(redis_rps(p16, "GET"));
        }
        figures.set_p1 = summarize(set_p1).median;
        figures.get_p1 = summarize(get_p1).median;
        figures.set_p16 = summarize(set_p16).median;
        figures.get_p16 = summarize(get_p16).median;
        figures.calls_per_get = syscalls_during(redis.pid(), scratch, [&] {
                                    capture_command({"/usr/bin/redis-benchmark", "-p", std::to_string(port), "-q",
                                                     "-t", "get", "-n", "10000"});
                                }) /
                                10000;
        return figures;
    };
    RedisFigures redis_native = measure_redis(false), redis_cella = measure_redis(true);
    report("redis-benchmark SET -P 1 (50 clients), server inside cella", "requests/s", redis_native.set_p1,
           redis_cella.set_p1, true);
    report("redis-benchmark GET -P 1 (50 clients), server inside cella", "requests/s", redis_native.get_p1,
           redis_cella.get_p1, true);
    report("redis-benchmark SET -P 16 (50 clients), server inside cella", "requests/s", redis_native.set_p16,
           redis_cella.set_p16, true);
    report("redis-benchmark GET -P 16 (50 clients), server inside cella", "requests/s", redis_native.get_p16,
           redis_cella.get_p16, true);

    // nginx: wrk, 4 connections (kept alive), 3 s.
    struct NginxFigures {
        double rps, calls_per_request;
    };
    auto measure_nginx = [&](bool enclave) {
        int port = enclave ? nginx_port : nginx_native_port;
        std::vector<std::string> server =
            enclave ? in_cella({"/usr/local/bin/nginx", "-p", "/tmp/", "-c", "/etc/nginx/bench.conf"})
                    : std::vector<std::string>{"/usr/sbin/nginx", "-p", scratch + "/", "-e", "stderr", "-c",
                                               scratch + "/nginx.conf"};
        Background nginx(server, scratch + "/nginx.log");
        wait_for_port(port, nginx);
        std::string url = "http://127.0.0.1:" + std::to_string(port) + "/index.html";
        double rps = median_of([&] {
            return number_after(capture_command({"/usr/bin/wrk", "-t", "1", "-c", "4", "-d", "3s", url}),
                                "Requests/sec:");
        });
        double calls = syscalls_during(nginx.pid(), scratch, [&] {
            capture_command({"/usr/bin/ab", "-k", "-q", "-n", "5000", "-c", "4", url});
        });
        return NginxFigures{rps, calls / 5000};
    };
    NginxFigures nginx_native = measure_nginx(false), nginx_cella = measure_nginx(true);
    report("wrk, 4 connections, 3 s, nginx (4 KiB file) inside cella", "requests/s", nginx_native.rps,
           nginx_cella.rps, true);

    // iperf3, 2 s per run.
    auto iperf3_server = [&](bool enclave, int port) {
        std::vector<std::string> server = {enclave ? "/usr/local/bin/iperf3" : "/usr/bin/iperf3",
                                           "-s", "--forceflush", "-B", "127.0.0.1", "-p", std::to_string(port)};
        return std::make_unique<Background>(enclave ? in_cella(server) : server,
                                            scratch + (enclave ? "/iperf3-cella.log" : "/iperf3-native.log"));
    };
    auto iperf3_client = [&](bool enclave, int port, const char* seconds) {
        std::vector<std::string> client = {enclave ? "/usr/local/bin/iperf3" : "/usr/bin/iperf3",
                                           "-c", "127.0.0.1", "-p", std::to_string(port), "-f", "g", "-t", seconds};
        return iperf3_gbits(capture_command(enclave ? in_cella(client) : client));
    };
    int iperf3_native_port = free_port(), iperf3_cella_port = free_port();
    auto native_server = iperf3_server(false, iperf3_native_port);
    wait_for_text(scratch + "/iperf3-native.log", "Server listening", *native_server);
    auto cella_server = iperf3_server(true, iperf3_cella_port);
    wait_for_text(scratch + "/iperf3-cella.log", "Server listening", *cella_server);
    double iperf3_native = median_of([&] { return iperf3_client(false, iperf3_native_port, "2"); });
    double iperf3_cella_server = median_of([&] { return iperf3_client(false, iperf3_cella_port, "2"); });
    double iperf3_cella_client = median_of([&] { return iperf3_client(true, iperf3_native_port, "2"); });
    report("iperf3, 2 s, server inside cella", "Gbit/s", iperf3_native, iperf3_cella_server, true);
    report("iperf3, 2 s, client inside cella", "Gbit/s", iperf3_native, iperf3_cella_client, true);
    // Per MiB the server receives (-n 512M).
    auto iperf3_calls = [&](Background& server, int port) {
        return syscalls_during(server.pid(), scratch, [&] {
                   run_checked({"/usr/bin/iperf3", "-c", "127.0.0.1", "-p", std::to_string(port), "-n", "512M"});
               }) /
               512;
    };
    double iperf3_calls_native = iperf3_calls(*native_server, iperf3_native_port);
    double iperf3_calls_cella = iperf3_calls(*cella_server, iperf3_cella_port);
    native_server.reset();
    cella_server.reset();

    // AF_UNIX stream between two processes (bench_pipe_throughput's socket mode).
    struct UnixCase {
        const char* title;
        const char* chunk;
        const char* total;
    } unix_cases[] = {
        {"AF_UNIX stream between processes, 4 KiB writes (256 MiB)", "4096", "268435456"},
        {"AF_UNIX stream between processes, 64 KiB writes (1 GiB)", "65536", "1073741824"},
    };
    for (const UnixCase& c : unix_cases) {
        std::vector<std::string> native = {program_path("bench_pipe_throughput"), c.chunk, c.total, "socket"};
        std::vector<std::string> enclave =
            in_cella({"/usr/local/bin/bench_pipe_throughput", c.chunk, c.total, "socket"});
        report(c.title, "MiB/s", median_of([&] { return std::stod(capture_command(native)); }),
               median_of([&] { return std::stod(capture_command(enclave)); }), true);
    }

    // TCP 1-byte ping-pong between two processes.
    std::vector<std::string> pingpong_native = {program_path("bench_tcp_pingpong")};
    std::vector<std::string> pingpong_cella = in_cella({"/usr/local/bin/bench_tcp_pingpong"});
    auto pingpong = [&](std::vector<std::string> argv, const char* count) {
        argv.push_back(count);
        return argv;
    };
    double pingpong_native_us =
        median_of([&] { return std::stod(capture_command(pingpong(pingpong_native, "20000"))); });
    report("TCP 1-byte ping-pong over 127.0.0.1 between two processes (x 20,000), round trip", "us",
           pingpong_native_us,
           median_of([&] { return std::stod(capture_command(pingpong(pingpong_cella, "20000"))); }), false);
    // The same with host socket I/O through the io_uring ring
    // (feature.io_uring; `cella run` reads CELLA_IO_URING).
    IoUringOn ring_on;
    report("the same with feature.io_uring (the io_uring path)", "us", pingpong_native_us,
           median_of([&] { return std::stod(capture_command(pingpong(pingpong_cella, "20000"))); }), false);
    ring_on.off();

    // Host calls: the difference between two sizes of a whole run removes
    // what starting and ending costs.
    auto per_unit = [&](const std::vector<std::string>& small, const std::vector<std::string>& large, double units) {
        return (syscalls_of_run(large, scratch) - syscalls_of_run(small, scratch)) / units;
    };
    auto unix_run = [&](std::vector<std::string> argv, const char* total) {
        argv.insert(argv.end(), {"65536", total, "socket"});
        return argv;
    };
    std::vector<std::string> unix_native = {program_path("bench_pipe_throughput")};
    std::vector<std::string> unix_cella = in_cella({"/usr/local/bin/bench_pipe_throughput"});

    std::printf("\nsyscalls (native) and host calls (cella) per request, counted with strace -f -c\n");
    report_calls("redis GET (10,000 GETs, 50 clients; the server's calls)", redis_native.calls_per_get,
                 redis_cella.calls_per_get);
    report_calls("nginx request (ab -k, 5,000 requests, 4 connections; the server's calls)",
                 nginx_native.calls_per_request, nginx_cella.calls_per_request);
    report_calls("iperf3 MiB received (-n 512M; the server's calls)", iperf3_calls_native, iperf3_calls_cella);
    report_calls("AF_UNIX 64 KiB write and read (16 MiB more; both processes)",
                 per_unit(unix_run(unix_native, "1048576"), unix_run(unix_native, "17825792"), 256),
                 per_unit(unix_run(unix_cella, "1048576"), unix_run(unix_cella, "17825792"), 256));
    double pingpong_native_calls =
        per_unit(pingpong(pingpong_native, "100"), pingpong(pingpong_native, "1100"), 1000);
    report_calls("TCP ping-pong round trip (1,000 more; both processes)", pingpong_native_calls,
                 per_unit(pingpong(pingpong_cella, "100"), pingpong(pingpong_cella, "1100"), 1000));
    ring_on.on();
    report_calls("the same with feature.io_uring (the io_uring path)", pingpong_native_calls,
                 per_unit(pingpong(pingpong_cella, "100"), pingpong(pingpong_cella, "1100"), 1000));
    ring_on.off();
    return 0;
}

}  // namespace

int main() {
    // Unwinding stops every server this run started.
    try {
        return measure();
    } catch (const std::exception& error) {
        std::fprintf(stderr, "bench/net: %s\n", error.what());
        return 1;
    }
}
