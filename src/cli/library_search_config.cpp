#include "library_search_config.h"

#include <fnmatch.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "rooted_path.h"

namespace cella::cli {
namespace {

// ld.so.conf files include each other; a loop must end somewhere.
constexpr int kMaxIncludeDepth = 16;

bool has_wildcard(std::string_view component) { return component.find_first_of("*?[") != std::string_view::npos; }

std::string_view trim(std::string_view text) {
    constexpr std::string_view kBlank = " \t\r\n\f\v";
    std::size_t start = text.find_first_not_of(kBlank);
    if (start == std::string_view::npos) return {};
    std::size_t end = text.find_last_not_of(kBlank);
    return text.substr(start, end - start + 1);
}

std::vector<std::string> split_words(std::string_view text, std::string_view separators) {
    std::vector<std::string> words;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find_first_of(separators, start);
        if (end == std::string_view::npos) end = text.size();
        if (end > start) words.emplace_back(text.substr(start, end - start));
        start = end + 1;
    }
    return words;
}

std::optional<std::string> read_text_in_root(const std::filesystem::path& root, std::string_view logical) {
    std::ifstream in(resolve_in_root(root, logical, true));
    if (!in) return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void add_folder(std::vector<std::string>& folders, std::string_view line) {
    // ldconfig accepts "folder=type" (an old libc5 hint); the type is ignored.
    std::string_view folder = line.substr(0, line.find('='));
    folder = trim(folder);
    if (folder.empty() || folder[0] != '/') return;
    std::string normal = normalize_logical(folder);
    if (std::find(folders.begin(), folders.end(), normal) == folders.end()) folders.push_back(normal);
}

void parse_ld_so_conf(const std::filesystem::path& root, std::string_view file, int depth,
                      std::vector<std::string>& folders) {
    if (depth > kMaxIncludeDepth) return;
    std::optional<std::string> text = read_text_in_root(root, file);
    if (!text) return;
    std::istringstream lines(*text);
    std::string raw_line;
    while (std::getline(lines, raw_line)) {
        std::string_view line = raw_line;
        line = trim(line.substr(0, line.find('#')));
        if (line.empty()) continue;
        if (line.size() > 7 && line.starts_with("include") && (line[7] == ' ' || line[7] == '\t')) {
            for (const std::string& pattern : split_words(line.substr(8), " \t")) {
                std::string absolute = logical_join(logical_parent(file), pattern);
                for (const std::string& included : glob_in_root(root, absolute))
                    parse_ld_so_conf(root, included, depth + 1, folders);
            }
            continue;
        }
        if (line.starts_with("hwcap") && line.size() > 5 && (line[5] == ' ' || line[5] == '\t')) continue;
        add_folder(folders, line);
    }
}

}  // namespace

std::vector<std::string> glob_in_root(const std::filesystem::path& root, std::string_view pattern) {
    std::vector<std::string> matches{"/"};
    for (const std::string& component : split_words(normalize_logical(pattern), "/")) {
        std::vector<std::string> next;
        for (const std::string& base : matches) {
            if (!has_wildcard(component)) {
                next.push_back(logical_join(base, component));
                continue;
            }
            std::error_code error;
            std::filesystem::directory_iterator entries(resolve_in_root(root, base, true), error);
            if (error) continue;
            std::vector<std::string> found;
            for (const auto& entry : entries) {
                std::string name = entry.path().filename().string();
                if (name[0] == '.' && component[0] != '.') continue;
                if (::fnmatch(component.c_str(), name.c_str(), FNM_PERIOD) == 0)
                    found.push_back(logical_join(base, name));
            }
            std::sort(found.begin(), found.end());
            next.insert(next.end(), found.begin(), found.end());
        }
        matches = std::move(next);
    }
    // A pattern without wildcards names one path whether or not it exists,
    // as glob(3) with no magic does not; keep only what exists.
    std::erase_if(matches, [&](const std::string& path) {
        std::error_code error;
        return !std::filesystem::exists(resolve_in_root(root, path, true), error);
    });
    return matches;
}

std::vector<std::string> read_ld_so_conf(const std::filesystem::path& root, std::string_view file) {
    std::vector<std::string> folders;
    parse_ld_so_conf(root, file, 0, folders);
    return folders;
}

std::optional<std::vector<std::string>> read_musl_path_file(const std::filesystem::path& root) {
    std::optional<std::string> text = read_text_in_root(root, kMuslPathFile);
    if (!text) return std::nullopt;
    std::vector<std::string> folders;
    for (const std::string& word : split_words(*text, ":\n")) add_folder(folders, word);
    return folders;
}

}  // namespace cella::cli
