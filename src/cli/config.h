#pragma once
// cella.json: the instance's configuration, shaped like Occlum.json so its
// users feel at home. load_config() validates every key and type; an
// unknown key or a wrong type is a UserError naming the key and the file.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace cella::cli {

struct MountConfig {
    std::string type;     // "hostfs" or "ramfs"
    std::string target;   // absolute, lexically normal path inside the enclave
    std::string source;   // hostfs: absolute host path (a relative one in cella.json is
                          // taken relative to the folder holding cella.json); empty otherwise
    std::vector<std::string> options;
};

struct Config {
    // resource_limits
    std::uint64_t user_space_size = 0;
    std::uint64_t kernel_space_heap_size = 0;
    std::uint32_t max_num_of_threads = 0;
    // process
    std::uint64_t default_stack_size = 0;
    std::uint64_t default_heap_size = 0;
    std::uint64_t default_mmap_size = 0;
    bool sequential_fork = false;  // process.fork: "sequential" rather than "unsupported"
    // entry_points: absolute path prefixes a program must fall under
    std::vector<std::string> entry_points;
    // env
    std::vector<std::string> env_default;    // "NAME=value"
    std::vector<std::string> env_untrusted;  // names the host may pass in
    // metadata
    std::uint32_t product_id = 0;
    std::uint32_t version_number = 0;
    bool debuggable = true;
    std::string hostname;
    // feature
    bool syscall_rewrite = true;  // rewrite syscall sites into direct LibOS entries
    bool io_uring = false;        // host socket I/O through an io_uring ring (docs/NETWORK.md)
    std::vector<MountConfig> mounts;
};

// The documented defaults written by `cella new`.
std::string default_config_text();
// The values of default_config_text(), as load_config() would return them.
Config default_config();
// Reads and validates `file`; sections and keys it leaves out take their
// defaults. Throws UserError naming the file and the key at fault.
Config load_config(const std::filesystem::path& file);
// "64MB", "1GB", "512KB", "4096" -> bytes; throws UserError naming `key`.
std::uint64_t parse_size(std::string_view text, std::string_view key, const std::filesystem::path& file);

}  // namespace cella::cli
