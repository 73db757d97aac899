#pragma once
// A problem the user can fix (bad config, missing file, unbuilt instance).
// main() prints it as "cella: <message>" and exits 1; the message names the
// file, key or path at fault.
#include <stdexcept>
#include <string>

namespace cella::cli {

class UserError : public std::runtime_error {
public:
    explicit UserError(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace cella::cli
