#pragma once
// `cella run`'s untrusted half: reserve the enclave range, load libos.so
// into it, hand the LibOS a boot record, and report how the application
// ended.
#include <cstdint>
#include <array>
#include <filesystem>
#include <string>
#include <vector>

namespace cella::host {

struct MountSpec {
    std::string type, target, source, options;
};

struct EnclaveSpec {
    std::filesystem::path libos_file;
    std::filesystem::path image_file;
    std::array<std::uint8_t, 32> image_measurement{};
    std::uint64_t user_space_size = 0;
    std::uint64_t libos_heap_size = 0;
    std::uint64_t default_stack_size = 0;
    std::uint64_t default_heap_size = 0;
    std::uint64_t default_mmap_size = 0;
    bool sequential_fork = false;
    bool syscall_rewrite = true;
    bool io_uring = false;
    std::uint32_t max_threads = 0;
    std::string hostname;
    std::vector<MountSpec> mounts;
    std::string program;            // path inside the image
    std::vector<std::string> argv;  // argv[0] included
    std::vector<std::string> envp;  // "NAME=value"
    bool strace = false;
    bool debug_log = false;
};

struct EnclaveOutcome {
    int exit_code = 0;    // the application's status
    int term_signal = 0;  // or the signal that ended it
    std::string message;  // a line to show the user, may be empty
};

// Throws std::runtime_error when the enclave cannot be set up.
EnclaveOutcome run_enclave(const EnclaveSpec& spec);

// The status `cella run` exits with: the application's, or 128+N for signal N.
int exit_status_of(const EnclaveOutcome& outcome);

}  // namespace cella::host
