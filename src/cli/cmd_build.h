#pragma once
// `cella build [-C INSTANCE]`: checks cella.json and seals image/ into
// build/image.cimg, recording image/'s fingerprint in build/image.fingerprint.
#include <ostream>
#include <string>

#include "image_writer.h"
#include "instance.h"

namespace cella::cli {

struct BuildResult {
    ImageSummary image;
    std::string fingerprint;
};

// Throws UserError for a bad cella.json or an image/ that cannot become an
// image; prints the image's size and file count to `out`.
BuildResult build_instance(const Instance& instance, std::ostream& out);

}  // namespace cella::cli
