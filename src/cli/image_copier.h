#pragma once
// Copies what the dependency resolver found into an instance's image/
// folder. Symlinks are copied as symlinks; files keep their permission bits
// and modification time, which also lets a second `cella add` skip a file
// whose size and mtime match. Every write goes through rooted_path, so a
// symlink inside image/ can never redirect it outside the folder.
#include <sys/stat.h>

#include <filesystem>
#include <string>

#include "dependency_resolver.h"

namespace cella::cli {

enum class CopyOutcome { Copied, Unchanged };

class ImageCopier {
public:
    // `host_root` stands for the host's "/"; `image_dir` is the instance's image/.
    ImageCopier(std::filesystem::path host_root, std::filesystem::path image_dir);

    // Copies one file, symlink or folder (not its contents) from path.host
    // to path.image, creating missing parent folders (mode 0755).
    CopyOutcome copy(const PlacedPath& path);

    // Makes link.image a symlink to link.target, unless a file or folder
    // (the library itself, say) is already there.
    CopyOutcome add_link(const LibraryLink& link);

private:
    CopyOutcome copy_file(const std::filesystem::path& source, const struct stat& status,
                          const std::filesystem::path& destination, const PlacedPath& path);
    CopyOutcome copy_symlink(const std::string& target, const std::filesystem::path& destination,
                             const PlacedPath& path);
    CopyOutcome copy_folder(mode_t mode, const std::filesystem::path& destination, const PlacedPath& path);
    std::filesystem::path destination_of(const std::string& image_path);

    std::filesystem::path host_root_;
    std::filesystem::path image_dir_;
};

}  // namespace cella::cli
