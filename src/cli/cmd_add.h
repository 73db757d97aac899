#pragma once
// `cella add HOSTPATH... [--to DIR] [-C INSTANCE]`: copies host files and
// folders into the instance's image/, with everything their programs need
// at run time (see dependency_resolver.h).
#include <cstddef>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "instance.h"

namespace cella::cli {

struct AddRequest {
    std::vector<std::string> host_paths;  // relative ones are taken from the current folder
    std::string to;                       // image folder to put each item in; empty: its host path
};

struct AddedItem {
    std::string host;              // the item as found on the host
    std::string image;             // where it went in the image
    std::size_t item_paths = 0;    // the item's own paths (a folder's whole tree)
    std::size_t dependencies = 0;  // loaders, libraries, their links
    std::size_t copied = 0;        // paths written
    std::size_t unchanged = 0;     // paths already in the image as they are on the host
};

// Adds every item, printing one line per item to `out` and warnings to
// `err`. `host_root` stands for the host's "/" (tests use a fake tree).
// Throws UserError before copying anything when an item is missing or a
// dependency cannot be resolved.
std::vector<AddedItem> add_to_instance(const Instance& instance, const AddRequest& request, std::ostream& out,
                                       std::ostream& err, const std::filesystem::path& host_root = "/");

}  // namespace cella::cli
