#pragma once
// The dynamic loaders' configured library folders, read from a root folder
// that stands for the host's "/" (see rooted_path.h).
//
// glibc's ld.so does not read /etc/ld.so.conf itself; ldconfig turns it into
// /etc/ld.so.cache. Searching the folders it lists, in order, finds what the
// cache would, without parsing the cache's binary format.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cella::cli {

// The folders listed by /etc/ld.so.conf under `root`, following `include`
// lines (glob patterns; relative ones relative to the including file) in
// the order ldconfig reads them. Duplicates removed; a missing file yields
// nothing.
std::vector<std::string> read_ld_so_conf(const std::filesystem::path& root, std::string_view file = "/etc/ld.so.conf");

// The path file musl's loader reads: one folder per line or ':'-separated.
inline constexpr std::string_view kMuslPathFile = "/etc/ld-musl-x86_64.path";
// Its folders, or nothing when it is missing (musl then uses its built-in
// /lib:/usr/local/lib:/usr/lib).
std::optional<std::vector<std::string>> read_musl_path_file(const std::filesystem::path& root);

// Matches `pattern` (an absolute logical path whose components may hold
// *, ? and [...]) against the tree under `root`, like glob(3): sorted
// results, dot files only matched by a pattern starting with a dot.
std::vector<std::string> glob_in_root(const std::filesystem::path& root, std::string_view pattern);

}  // namespace cella::cli
