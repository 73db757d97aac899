#pragma once
// Paths inside a folder that stands for "/": the host file system as
// `cella add` sees it (normally the real /, a fake tree in tests) and the
// instance's image/ folder. Paths inside such a root are "logical": absolute,
// slash-separated strings like "/usr/lib/libc.so.6". Symlinks met while
// resolving one are followed *inside* the root — an absolute target starts
// again at the root, ".." never climbs above it — so that a link in image/
// such as lib -> /usr/lib can never send a write to the host's /usr/lib.
#include <filesystem>
#include <string>
#include <string_view>

namespace cella::cli {

// "/a/./b//../c/" -> "/a/c". A relative path is taken relative to "/".
std::string normalize_logical(std::string_view path);
// "/a/b" -> "/a"; "/a" -> "/"; "/" -> "/".
std::string logical_parent(std::string_view path);
// "/a/b" -> "b"; "/" -> "".
std::string logical_name(std::string_view path);
// Joins and normalizes: ("/a/b", "../c") -> "/a/c"; ("/a", "/x") -> "/x".
std::string logical_join(std::string_view directory, std::string_view relative);

// The host path to use for `logical` under `root`. Symlinks in every
// component but the last are followed inside the root; the last is followed
// only when `follow_last`. A missing component ends the resolution: the rest
// is appended as it is, so that a later lstat() reports ENOENT.
// Throws UserError on a symlink loop.
std::filesystem::path resolve_in_root(const std::filesystem::path& root, std::string_view logical, bool follow_last);

// Like `mkdir -p` for `logical` under `root`, with symlinks followed inside
// the root; new folders get mode 0755. Returns the host path of the folder.
// Throws UserError when a component exists and is not a folder.
std::filesystem::path make_directories_in_root(const std::filesystem::path& root, std::string_view logical);

}  // namespace cella::cli
