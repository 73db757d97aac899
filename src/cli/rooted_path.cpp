#include "rooted_path.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "user_error.h"

namespace cella::cli {
namespace {

// Linux gives up after 40 links (MAXSYMLINKS); so do we.
constexpr int kMaxSymlinks = 40;

std::vector<std::string> split_components(std::string_view path) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (start <= path.size()) {
        std::size_t end = path.find('/', start);
        if (end == std::string_view::npos) end = path.size();
        if (end > start) parts.emplace_back(path.substr(start, end - start));
        start = end + 1;
    }
    return parts;
}

std::string join_components(const std::vector<std::string>& parts) {
    if (parts.empty()) return "/";
    std::string joined;
    for (const std::string& part : parts) joined += "/" + part;
    return joined;
}

std::filesystem::path host_path_of(const std::filesystem::path& root, const std::vector<std::string>& parts) {
    std::filesystem::path path = root;
    for (const std::string& part : parts) path /= part;
    return path;
}

std::string read_symlink_text(const std::filesystem::path& link) {
    std::error_code error;
    std::filesystem::path target = std::filesystem::read_symlink(link, error);
    if (error) throw UserError("cannot read symlink " + link.string() + ": " + error.message());
    return target.string();
}

enum class MissingComponent { Keep, Create };

// The walk shared by resolve_in_root and make_directories_in_root. Pending
// components are kept reversed so that a symlink's target can be pushed in
// front of what remains.
std::filesystem::path walk_in_root(const std::filesystem::path& root, std::string_view logical, bool follow_last,
                                   MissingComponent missing) {
    std::vector<std::string> pending = split_components(logical);
    std::reverse(pending.begin(), pending.end());
    std::vector<std::string> resolved;
    int links_followed = 0;
    while (!pending.empty()) {
        std::string part = std::move(pending.back());
        pending.pop_back();
        if (part == ".") continue;
        if (part == "..") {
            if (!resolved.empty()) resolved.pop_back();
            continue;
        }
        bool is_last = pending.empty();
        resolved.push_back(part);
        if (is_last && !follow_last) break;
        std::filesystem::path here = host_path_of(root, resolved);
        struct stat status;
        if (::lstat(here.c_str(), &status) != 0) {
            if (errno == ENOENT && missing == MissingComponent::Create) {
                if (::mkdir(here.c_str(), 0755) != 0 && errno != EEXIST)
                    throw UserError("cannot create folder " + here.string() + ": " + std::strerror(errno));
                continue;
            }
            // Missing or unreadable: keep the rest literally and let the
            // caller's own lstat/open report it.
            while (!pending.empty()) {
                resolved.push_back(std::move(pending.back()));
                pending.pop_back();
            }
            break;
        }
        if (S_ISLNK(status.st_mode)) {
            if (++links_followed > kMaxSymlinks)
                throw UserError("too many levels of symlinks in " + std::string(logical) + " under " + root.string());
            resolved.pop_back();
            std::string target = read_symlink_text(here);
            if (!target.empty() && target[0] == '/') resolved.clear();
            std::vector<std::string> target_parts = split_components(target);
            for (auto it = target_parts.rbegin(); it != target_parts.rend(); ++it) pending.push_back(*it);
            continue;
        }
        if (missing == MissingComponent::Create && !S_ISDIR(status.st_mode))
            throw UserError(here.string() + " is in the way of folder " + std::string(logical) +
                            ": it exists and is not a folder");
    }
    return host_path_of(root, resolved);
}

}  // namespace

std::string normalize_logical(std::string_view path) {
    std::vector<std::string> parts;
    for (std::string& part : split_components(path)) {
        if (part == ".") continue;
        if (part == "..") {
            if (!parts.empty()) parts.pop_back();
            continue;
        }
        parts.push_back(std::move(part));
    }
    return join_components(parts);
}

std::string logical_parent(std::string_view path) {
    std::vector<std::string> parts = split_components(normalize_logical(path));
    if (!parts.empty()) parts.pop_back();
    return join_components(parts);
}

std::string logical_name(std::string_view path) {
    std::vector<std::string> parts = split_components(normalize_logical(path));
    return parts.empty() ? std::string() : parts.back();
}

std::string logical_join(std::string_view directory, std::string_view relative) {
    if (!relative.empty() && relative[0] == '/') return normalize_logical(relative);
    return normalize_logical(std::string(directory) + "/" + std::string(relative));
}

std::filesystem::path resolve_in_root(const std::filesystem::path& root, std::string_view logical, bool follow_last) {
    return walk_in_root(root, logical, follow_last, MissingComponent::Keep);
}

std::filesystem::path make_directories_in_root(const std::filesystem::path& root, std::string_view logical) {
    return walk_in_root(root, logical, true, MissingComponent::Create);
}

}  // namespace cella::cli
