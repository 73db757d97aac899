#pragma once
// A fingerprint of what image/ looks like (names, types, modes, sizes,
// mtimes, symlink targets), so that `cella run` can tell cheaply, without
// reading file contents, whether build/image.cimg still matches image/.
#include <filesystem>
#include <optional>
#include <string>

#include "image_hash_tree.h"
#include "instance.h"

namespace cella::cli {

// SHA-256, as 64 lowercase hex digits, over a depth-first walk of
// `image_dir` in byte order of names. Throws UserError when it cannot be
// read.
std::string compute_image_fingerprint(const std::filesystem::path& image_dir);

// build/image.fingerprint holds one fingerprint and a newline.
void write_fingerprint_file(const std::filesystem::path& file, const std::string& fingerprint);
std::optional<std::string> read_fingerprint_file(const std::filesystem::path& file);

enum class ImageState {
    NotBuilt,  // no image file or no fingerprint next to it
    Stale,     // image/ changed since the last `cella build`
    Current,
};
ImageState image_state(const Instance& instance);

// For `cella run`: throws UserError (telling the user to run `cella build`)
// unless the instance's image is built and current.
void require_current_image(const Instance& instance);
// The image's measurement `cella build` kept in build/image.hash.
ImageHash read_image_hash(const Instance& instance);

}  // namespace cella::cli
