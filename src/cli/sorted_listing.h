#pragma once
// The names in a host folder, in byte order (the image format's order, and
// a stable order for the fingerprint).
#include <filesystem>
#include <string>
#include <vector>

namespace cella::cli {

// Throws UserError naming `shown` when the folder cannot be listed.
std::vector<std::string> sorted_names(const std::filesystem::path& folder, const std::string& shown);
// The same for the folder open at `folder_fd` (which stays open).
std::vector<std::string> sorted_names_at(int folder_fd, const std::string& shown);

}  // namespace cella::cli
