#include "instance.h"

#include <system_error>

#include "user_error.h"

namespace cella::cli {

Instance Instance::open(const std::filesystem::path& dir) {
    std::filesystem::path root = dir.empty() ? std::filesystem::current_path() : std::filesystem::absolute(dir);
    root = root.lexically_normal();
    // "app/" normalizes to "app/"; drop the empty last component so that
    // messages and derived paths read naturally.
    if (root.has_relative_path() && !root.has_filename()) root = root.parent_path();
    std::error_code error;
    if (!std::filesystem::is_regular_file(root / "cella.json", error))
        throw UserError("not an instance folder: " + root.string() +
                        " (no cella.json); create one with `cella new DIR`");
    return Instance(root);
}

}  // namespace cella::cli
