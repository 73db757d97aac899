#include "mounts.h"

#include "device_number.h"
#include "libos/fs/vfs.h"

namespace cella::fs::procfs {
namespace {

struct MountFacts {
    base::String path;
    std::uint64_t dev;
    bool read_only;
};

struct FileSystemType {
    std::string_view name;    // as mount(8) and /proc/filesystems name it
    std::string_view source;  // the first field of /proc/mounts
    bool needs_device;        // Linux's "nodev" column, inverted
};

constexpr FileSystemType kImage{"imagefs", "cella-image", true};
constexpr FileSystemType kDev{"devtmpfs", "devtmpfs", false};
constexpr FileSystemType kProc{"proc", "proc", false};
constexpr FileSystemType kRam{"ramfs", "ramfs", false};
constexpr FileSystemType kAllTypes[] = {kImage, kDev, kProc, kRam};

// The mount table keeps no type, so it is told from where the LibOS puts
// each kind: the image is the root (DESIGN.md section 6), boot mounts
// devfs at /dev and procfs at /proc, and cella.json's mounts are ramfs,
// the only type `cella run` accepts so far.
const FileSystemType& type_of(const MountFacts& mount) {
    if (mount.dev == kProcDevice) return kProc;
    if (mount.path.view() == "/") return kImage;
    if (mount.path.view() == "/dev") return kDev;
    return kRam;
}

Result<base::Vector<MountFacts>> mount_table() {
    base::Vector<MountFacts> mounts;
    Result<void> copied;
    vfs().for_each_mount([&](std::string_view path, Inode& root) {
        if (copied.is_error()) return;
        auto name = base::String::from(path);
        if (name.is_error()) {
            copied = name.error();
            return;
        }
        copied = mounts.try_append(MountFacts{name.release_value(), root.stat().dev, root.read_only()});
    });
    TRY(copied);
    return mounts;
}

std::string_view options_of(const FileSystemType& type, bool read_only) {
    if (type.name == kProc.name) return "rw,nosuid,nodev,noexec,relatime";
    if (type.name == kDev.name) return "rw,nosuid,relatime";
    return read_only ? "ro,relatime" : "rw,relatime";
}

}  // namespace

Result<void> generate_mounts(const Subject&, TextBuilder& out) {
    base::Vector<MountFacts> mounts = TRY(mount_table());
    for (const MountFacts& mount : mounts) {
        const FileSystemType& type = type_of(mount);
        TRY(out.appendf("%.*s %s %.*s %.*s 0 0\n", static_cast<int>(type.source.size()), type.source.data(),
                        mount.path.c_str(), static_cast<int>(type.name.size()), type.name.data(),
                        static_cast<int>(options_of(type, mount.read_only).size()),
                        options_of(type, mount.read_only).data()));
    }
    return {};
}

Result<void> generate_mountinfo(const Subject&, TextBuilder& out) {
    base::Vector<MountFacts> mounts = TRY(mount_table());
    // Mount ids are the order of mounting; every mount hangs off the root.
    constexpr int kFirstMountId = 21;
    for (std::size_t i = 0; i < mounts.size(); ++i) {
        const MountFacts& mount = mounts[i];
        const FileSystemType& type = type_of(mount);
        std::string_view options = options_of(type, mount.read_only);
        int id = kFirstMountId + static_cast<int>(i);
        int parent = i == 0 ? 1 : kFirstMountId;
        TRY(out.appendf("%d %d %lu:%lu / %s %.*s - %.*s %.*s %s\n", id, parent, major_of(mount.dev),
                        minor_of(mount.dev), mount.path.c_str(), static_cast<int>(options.size()), options.data(),
                        static_cast<int>(type.name.size()), type.name.data(), static_cast<int>(type.source.size()),
                        type.source.data(), mount.read_only ? "ro" : "rw"));
    }
    return {};
}

Result<void> generate_filesystems(const Subject&, TextBuilder& out) {
    for (const FileSystemType& type : kAllTypes)
        TRY(out.appendf("%s\t%.*s\n", type.needs_device ? "" : "nodev", static_cast<int>(type.name.size()),
                        type.name.data()));
    return {};
}

std::string_view filesystem_type_name(std::size_t index) {
    return index < sizeof kAllTypes / sizeof kAllTypes[0] ? kAllTypes[index].name : std::string_view();
}

}  // namespace cella::fs::procfs
