#pragma once
// The places where files change tell inotify (Linux's fsnotify hooks).
// Each hook costs one atomic load while no watch exists anywhere.
#include <cstdint>
#include <string_view>

#include "libos/fs/inode.h"

namespace cella::fs::notify {

// inotify's event bits (linux/inotify.h).
inline constexpr std::uint32_t kAccess = 0x1, kModify = 0x2, kAttrib = 0x4, kCloseWrite = 0x8,
                               kCloseNoWrite = 0x10, kOpen = 0x20, kMovedFrom = 0x40, kMovedTo = 0x80,
                               kCreate = 0x100, kDelete = 0x200, kDeleteSelf = 0x400, kMoveSelf = 0x800,
                               kUnmount = 0x2000, kQueueOverflow = 0x4000, kIgnored = 0x8000, kIsDir = 0x40000000;
// Events a folder's watch also gets for the files in it, with their names.
inline constexpr std::uint32_t kChildEvents = kAccess | kModify | kAttrib | kCloseWrite | kCloseNoWrite | kOpen;

bool active();

// An event on `inode` itself (kIsDir is added for folders). `path`, when
// given, is where it lives: the folder there gets the child events too.
void file_event(Inode& inode, std::uint32_t mask, std::string_view path = {});
// A name in `directory` was made, removed or moved (kCreate, kDelete,
// kMovedFrom, kMovedTo).
void name_event(Inode& directory, std::uint32_t mask, std::string_view name, bool is_dir, std::uint32_t cookie = 0);
// `inode` lost a link: its watches see kDeleteSelf and go (kIgnored)
// once it has none left.
void link_removed(Inode& inode);
// A cookie that ties a kMovedFrom to its kMovedTo.
std::uint32_t next_cookie();

}  // namespace cella::fs::notify
