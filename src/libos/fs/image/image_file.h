#pragma once
// The image file at the host, as the image's cache and hash tree read it.
#include <cstddef>
#include <cstdint>
#include <span>

#include "libos/base/result.h"

namespace cella::fs::image {

class ImageFile {
public:
    // Reads up to out.size() bytes at `offset`: fewer only at the file's end.
    virtual base::Result<std::size_t> read_at(std::uint64_t offset, std::span<std::uint8_t> out) = 0;

protected:
    ~ImageFile() = default;
};

}  // namespace cella::fs::image
