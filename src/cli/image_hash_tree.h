#pragma once
// The image's hash tree (abi/image_format.h), built by `cella build` over
// the blocks it has written, with OpenSSL's SHA-256.
#include <array>
#include <cstdint>

#include "abi/image_format.h"
#include "atomic_file.h"

namespace cella::cli {

using ImageHash = std::array<std::uint8_t, abi::kImageHashSize>;

// Appends the tree over blocks [1, out.position() / block size) of `out`
// (whose length is a whole number of blocks) and fills in the header's
// tree fields and root hash.
void append_hash_tree(AtomicFile& out, abi::ImageHeader& header);

// The SHA-256 of block 0 holding `header`: the image's measurement.
ImageHash image_measurement(const abi::ImageHeader& header);

std::string to_hex(const ImageHash& hash);

}  // namespace cella::cli
