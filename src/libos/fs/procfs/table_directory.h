#pragma once
// Directories whose entries are a fixed table (/proc/PID, /proc/sys, ...),
// and the table format itself.
#include <cstdint>
#include <span>
#include <string_view>

#include "nodes.h"

namespace cella::fs::procfs {

enum class EntryKind : std::uint8_t {
    File,           // text from `generate`
    Symlink,        // target from `generate`
    Directory,      // entries from `children`
    FdDirectory,    // /proc/PID/fd
    FdInfoDirectory,  // /proc/PID/fdinfo
    TaskDirectory,  // /proc/PID/task
};

struct EntrySpec {
    std::string_view name;
    EntryKind kind;
    Generator generate = nullptr;
    std::span<const EntrySpec> children = {};
    Writer write = nullptr;       // a File that takes writes
    std::uint32_t permissions = 0;  // 0: 0777 for a symlink, 0444 (0644 with a writer) for a file
};

class TableDirectory : public ProcDirectory {
public:
    // `slot` is this directory's own slot (see subject.h).
    TableDirectory(Subject subject, std::uint64_t slot, std::span<const EntrySpec> entries);

    Result<RefPtr<Inode>> lookup(std::string_view name) override;
    Result<void> list(base::Vector<ListedEntry>& out) override;

private:
    Result<RefPtr<Inode>> make_entry(std::size_t index);

    Subject subject_;
    std::uint64_t slot_;
    std::span<const EntrySpec> entries_;
};

}  // namespace cella::fs::procfs
