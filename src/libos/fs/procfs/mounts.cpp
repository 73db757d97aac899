#include "mounts.h"

#include "device_number.h"
#include "libos/fs/vfs.h"

namespace cella::fs::procfs {
namespace {

struct MountFacts {
    base::String path;
    std::uint64_t dev;
    bool read_only;
    std::string_view type;    // string literals of the file system kinds
    std::string_view source;
    char options[96];         // "rw,relatime,size=..."
};

// Mount ids are the order of mounting; every mount hangs off the root.
constexpr int kFirstMountId = 21;

Result<base::Vector<MountFacts>> mount_table() {
    base::Vector<MountFacts> mounts;
    Result<void> copied;
    vfs().for_each_file_system([&](std::string_view path, Inode& root, FileSystem& file_system) {
        if (copied.is_error()) return;
        auto name = base::String::from(path);
        if (name.is_error()) {
            copied = name.error();
            return;
        }
        MountFacts facts{name.release_value(), root.stat().dev, file_system.read_only(), file_system.type_name(),
                         file_system.source(), {}};
        base::FormatBuilder options(facts.options, sizeof facts.options);
        std::uint64_t flags = file_system.stats().flags;
        options.append("%s%s%s%s,", facts.read_only ? "ro" : "rw", flags & kStNoSuid ? ",nosuid" : "",
                       flags & kStNoDev ? ",nodev" : "", flags & kStNoExec ? ",noexec" : "");
        file_system.describe_options(options);
        copied = mounts.try_append(static_cast<MountFacts&&>(facts));
    });
    TRY(copied);
    return mounts;
}

}  // namespace

Result<void> generate_mounts(const Subject&, TextBuilder& out) {
    base::Vector<MountFacts> mounts = TRY(mount_table());
    for (const MountFacts& mount : mounts)
        TRY(out.appendf("%.*s %s %.*s %s 0 0\n", static_cast<int>(mount.source.size()), mount.source.data(),
                        mount.path.c_str(), static_cast<int>(mount.type.size()), mount.type.data(), mount.options));
    return {};
}

int mount_id_of(std::uint64_t dev) {
    auto mounts = mount_table();
    if (mounts.is_error()) return 0;
    for (std::size_t i = 0; i < mounts.value().size(); ++i)
        if (mounts.value()[i].dev == dev) return kFirstMountId + static_cast<int>(i);
    return 0;
}

Result<void> generate_mountinfo(const Subject&, TextBuilder& out) {
    base::Vector<MountFacts> mounts = TRY(mount_table());
    for (std::size_t i = 0; i < mounts.size(); ++i) {
        const MountFacts& mount = mounts[i];
        int id = kFirstMountId + static_cast<int>(i);
        int parent = i == 0 ? 1 : kFirstMountId;
        // Per-mount options first (rw/ro, nosuid, relatime), then the file system's own.
        std::string_view options = mount.options;
        std::size_t mount_part = options.find("relatime");
        mount_part = mount_part == std::string_view::npos ? options.size() : mount_part + 8;
        std::string_view super_options = options.substr(mount_part);
        if (!super_options.empty() && super_options[0] == ',') super_options.remove_prefix(1);
        TRY(out.appendf("%d %d %lu:%lu / %s %.*s - %.*s %.*s %s%s%.*s\n", id, parent, major_of(mount.dev),
                        minor_of(mount.dev), mount.path.c_str(), static_cast<int>(mount_part), options.data(),
                        static_cast<int>(mount.type.size()), mount.type.data(), static_cast<int>(mount.source.size()),
                        mount.source.data(), mount.read_only ? "ro" : "rw", super_options.empty() ? "" : ",",
                        static_cast<int>(super_options.size()), super_options.data()));
    }
    return {};
}

namespace {

// Every kind of file system the LibOS mounts, by the name its type_name()
// gives; /proc/filesystems and sysfs(2) both read this one list.
struct FileSystemType {
    std::string_view name;
    bool needs_device;  // Linux's "nodev" column, inverted
};
constexpr FileSystemType kAllTypes[] = {{"tmpfs", false}, {"proc", false}, {"devtmpfs", false}, {"imagefs", true}};

}  // namespace

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
