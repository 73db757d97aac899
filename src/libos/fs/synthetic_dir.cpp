#include "synthetic_dir.h"

#include <asm-generic/errno.h>

#include <cstring>

namespace cella::fs {

using base::Error;

Result<void> SyntheticDirectory::add(std::string_view name, RefPtr<Inode> node) {
    return entries_.try_append(Entry{TRY(base::String::from(name)), node});
}

FileStat SyntheticDirectory::stat() const {
    FileStat s;
    s.dev = dev_;
    s.ino = ino_;
    s.mode = 0040755;
    s.nlink = 2;
    return s;
}

Result<RefPtr<Inode>> SyntheticDirectory::lookup(std::string_view name) {
    for (Entry& entry : entries_)
        if (entry.name == name) return entry.node;
    return Error::from_errno(ENOENT);
}

Result<bool> SyntheticDirectory::entry_at(std::size_t index, DirEntry& out) {
    if (index >= entries_.size()) return false;
    Entry& entry = entries_[index];
    FileStat s = entry.node->stat();
    out = {s.ino, static_cast<std::uint8_t>((s.mode >> 12) & 0xf), entry.name.view()};
    return true;
}

FileStat SyntheticSymlink::stat() const {
    FileStat s;
    s.dev = dev_;
    s.ino = ino_;
    s.mode = 0120777;
    s.size = target_.size();
    return s;
}

Result<std::size_t> SyntheticSymlink::read_link(std::span<char> out) {
    std::size_t n = target_.size() < out.size() ? target_.size() : out.size();
    std::memcpy(out.data(), target_.c_str(), n);
    return n;
}

}  // namespace cella::fs
