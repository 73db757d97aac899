#pragma once
// A directory whose entries the LibOS makes itself (devfs, later procfs).
#include "inode.h"
#include "libos/base/string.h"
#include "libos/base/vector.h"

namespace cella::fs {

class SyntheticDirectory final : public Inode {
public:
    SyntheticDirectory(std::uint64_t dev, std::uint64_t ino) : dev_(dev), ino_(ino) {}
    Result<void> add(std::string_view name, RefPtr<Inode> node);

    FileStat stat() const override;
    Result<RefPtr<Inode>> lookup(std::string_view name) override;
    Result<bool> entry_at(std::size_t index, DirEntry& out) override;

private:
    struct Entry {
        base::String name;
        RefPtr<Inode> node;
    };
    std::uint64_t dev_;
    std::uint64_t ino_;
    base::Vector<Entry> entries_;
};

// A fixed symlink (e.g. /dev/fd -> /proc/self/fd).
class SyntheticSymlink final : public Inode {
public:
    SyntheticSymlink(std::uint64_t dev, std::uint64_t ino, base::String target)
        : dev_(dev), ino_(ino), target_(static_cast<base::String&&>(target)) {}
    FileStat stat() const override;
    Result<std::size_t> read_link(std::span<char> out) override;

private:
    std::uint64_t dev_;
    std::uint64_t ino_;
    base::String target_;
};

}  // namespace cella::fs
