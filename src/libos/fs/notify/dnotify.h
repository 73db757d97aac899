#pragma once
// dnotify (fcntl F_NOTIFY): a signal to the owner of an open folder when
// names in it are made, removed or renamed, or its files are read,
// changed or have their attributes changed. Kept on the same watch
// registry as inotify.
#include <cstdint>

#include "libos/fs/open_file.h"

namespace cella::fs::notify {

inline constexpr std::uint32_t kDnAccess = 0x1, kDnModify = 0x2, kDnCreate = 0x4, kDnDelete = 0x8, kDnRename = 0x10,
                               kDnAttrib = 0x20, kDnMultishot = 0x80000000;

// F_NOTIFY through `fd`: watches the folder `file` has open for the DN_*
// events of `mask` (added to what it watched; none: stop watching), and
// makes the calling process the file's owner, as Linux does. ENOTDIR for
// anything but a folder.
Result<void> notify_directory(OpenFile& file, int fd, std::uint32_t mask);
// An open folder is going: its request goes with it.
void forget_directory(OpenFile& file);

}  // namespace cella::fs::notify
