#include "sorted_listing.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>

#include "user_error.h"

namespace cella::cli {

std::vector<std::string> sorted_names(const std::filesystem::path& folder, const std::string& shown) {
    int folder_fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (folder_fd < 0) throw UserError("cannot list " + shown + ": " + std::strerror(errno));
    try {
        std::vector<std::string> names = sorted_names_at(folder_fd, shown);
        ::close(folder_fd);
        return names;
    } catch (...) {
        ::close(folder_fd);
        throw;
    }
}

std::vector<std::string> sorted_names_at(int folder_fd, const std::string& shown) {
    // fdopendir takes an fd of its own, so the caller's stays open.
    int listing_fd = ::openat(folder_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR* listing = listing_fd < 0 ? nullptr : ::fdopendir(listing_fd);
    if (!listing) {
        int error = errno;
        if (listing_fd >= 0) ::close(listing_fd);
        throw UserError("cannot list " + shown + ": " + std::strerror(error));
    }
    std::vector<std::string> names;
    errno = 0;
    while (const dirent* entry = ::readdir(listing)) {
        std::string_view name = entry->d_name;
        if (name != "." && name != "..") names.emplace_back(name);
        errno = 0;
    }
    int error = errno;
    ::closedir(listing);
    if (error) throw UserError("cannot list " + shown + ": " + std::strerror(error));
    // std::string orders like memcmp.
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace cella::cli
