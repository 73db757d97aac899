#include "sorted_listing.h"

#include <algorithm>

#include "user_error.h"

namespace cella::cli {

std::vector<std::string> sorted_names(const std::filesystem::path& folder, const std::string& shown) {
    std::vector<std::string> names;
    std::error_code error;
    for (std::filesystem::directory_iterator it(folder, error), end; !error && it != end; it.increment(error))
        names.push_back(it->path().filename().string());
    if (error) throw UserError("cannot list " + shown + ": " + error.message());
    // std::string orders like memcmp.
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace cella::cli
