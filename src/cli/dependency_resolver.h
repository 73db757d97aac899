#pragma once
// What `cella add` must copy for one item so that it runs inside the image:
// the item itself (a folder: its whole tree), the targets of its symlinks,
// and for every ELF file its dynamic loader and shared libraries, found the
// way the loader will: glibc's ld.so (DT_RPATH, DT_RUNPATH, /etc/ld.so.conf,
// the default folders) or musl's (its path file or built-in folders).
//
// Paths are logical paths under a root folder that stands for the host's
// "/" (rooted_path.h), so tests run the resolver over a fake tree.
#include <compare>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cella::cli {

// A path as the host has it and where it goes in the image. The two differ
// only under `cella add --to` and for what is reached relative to such an
// item (a relative symlink target, a library found through $ORIGIN).
struct PlacedPath {
    std::string host;   // logical path under the resolver's root
    std::string image;  // logical path inside image/
    auto operator<=>(const PlacedPath&) const = default;
};

// A symlink the image needs but the host does not have: the image has no
// ld.so.cache, so a library the host finds only through the cache (a folder
// from /etc/ld.so.conf, or /lib64) gets a link in a folder the image's
// ld.so searches by default.
struct LibraryLink {
    std::string image;   // e.g. /usr/lib/x86_64-linux-gnu/libfoo.so.1
    std::string target;  // absolute image path of the library
};

struct Closure {
    std::vector<PlacedPath> item;          // the item, its folder tree, its symlinks' targets
    std::vector<PlacedPath> dependencies;  // loaders, libraries, their symlinks, loader config files
    std::vector<LibraryLink> library_links;
    std::vector<std::string> warnings;  // worth telling the user; not fatal
};

// The folder where `cella add` puts library links (see LibraryLink).
inline constexpr std::string_view kImageLibraryLinkFolder = "/usr/lib/x86_64-linux-gnu";

class DependencyResolver {
public:
    // Reads /etc/ld.so.conf and musl's path file under `root` once.
    explicit DependencyResolver(std::filesystem::path root = "/");
    ~DependencyResolver();
    DependencyResolver(const DependencyResolver&) = delete;
    DependencyResolver& operator=(const DependencyResolver&) = delete;

    // Everything `item` needs. Throws UserError for a missing item, an ELF
    // file that is malformed, a library nobody can find (naming it and the
    // object that needs it), or a file that is neither regular, folder nor
    // symlink.
    Closure resolve(const PlacedPath& item);

    const std::filesystem::path& root() const { return root_; }

private:
    friend class ClosureBuilder;
    struct ElfSummary;
    const ElfSummary& summarize_elf(const std::filesystem::path& host_file);

    std::filesystem::path root_;
    std::vector<std::string> ld_so_conf_folders_;
    std::optional<std::vector<std::string>> musl_path_folders_;
    std::map<std::string, std::unique_ptr<ElfSummary>> elf_cache_;
};

// ld.so's dynamic string tokens in a DT_RUNPATH/DT_RPATH entry: $ORIGIN and
// ${ORIGIN} become `origin`, $LIB and $PLATFORM what Debian's x86-64 ld.so
// uses ("lib/x86_64-linux-gnu", "x86_64"). Other text is left alone.
std::string expand_dynamic_string_tokens(std::string_view entry, std::string_view origin);

}  // namespace cella::cli
