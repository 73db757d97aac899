#pragma once
// An instance folder made by `cella new`:
//   cella.json          configuration
//   image/              the root file system as the user edits it
//   build/image.cimg    the sealed image `cella build` makes from image/
//   build/image.fingerprint  what image/ looked like at that build
#include <filesystem>

namespace cella::cli {

class Instance {
public:
    // Finds the instance at `dir` (the current folder when empty); throws
    // UserError when it is not an instance folder.
    static Instance open(const std::filesystem::path& dir);

    const std::filesystem::path& root() const { return root_; }
    std::filesystem::path config_file() const { return root_ / "cella.json"; }
    std::filesystem::path image_dir() const { return root_ / "image"; }
    std::filesystem::path build_dir() const { return root_ / "build"; }
    std::filesystem::path image_file() const { return build_dir() / "image.cimg"; }
    std::filesystem::path fingerprint_file() const { return build_dir() / "image.fingerprint"; }
    // The image's measurement (abi/image_format.h), in hex: what the LibOS
    // checks the image against at boot.
    std::filesystem::path image_hash_file() const { return build_dir() / "image.hash"; }

private:
    explicit Instance(std::filesystem::path root) : root_(std::move(root)) {}
    std::filesystem::path root_;
};

}  // namespace cella::cli
