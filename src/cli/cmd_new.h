#pragma once
// `cella new DIR`: makes an instance folder with the default cella.json and
// an image/ skeleton (bin etc lib lib64 root tmp, and the few files in etc/
// that programs expect).
#include <filesystem>
#include <ostream>

#include "instance.h"

namespace cella::cli {

// Creates the instance (DIR may exist if it is an empty folder) and tells
// `out` what it made. Throws UserError when DIR is in the way.
Instance create_instance(const std::filesystem::path& dir, std::ostream& out);

}  // namespace cella::cli
