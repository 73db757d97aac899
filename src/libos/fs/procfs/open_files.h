#pragma once
// Open procfs files and directories. Both hold what was generated when
// they were opened, so a read (or getdents) that continues where the last
// one stopped sees the same text; going back to offset 0 after reading
// generates it afresh, as Linux's seq_file does, so a monitor that keeps
// /proc/PID/statm open and rereads it from the start sees current values.
#include <cstdint>
#include <span>

#include "libos/base/lock.h"
#include "libos/base/vector.h"
#include "libos/fs/open_file.h"
#include "nodes.h"

namespace cella::fs::procfs {

// Copies the part of `text` at `offset` into `out`; 0 past the end.
std::size_t copy_text_at(const base::Vector<char>& text, std::uint64_t offset, std::span<std::uint8_t> out);

class SnapshotFile final : public OpenFile {
public:
    SnapshotFile(RefPtr<GeneratedFile> node, int flags, base::Vector<char> text)
        : OpenFile(flags),
          node_(static_cast<RefPtr<GeneratedFile>&&>(node)),
          text_(static_cast<base::Vector<char>&&>(text)) {}

    Result<std::size_t> read(std::span<std::uint8_t> out) override;
    Result<std::size_t> pread(std::span<std::uint8_t> out, std::uint64_t offset) override;
    Result<std::size_t> write(std::span<const std::uint8_t> data) override;
    Result<std::size_t> pwrite(std::span<const std::uint8_t> data, std::uint64_t offset) override;
    Result<std::int64_t> seek(std::int64_t offset, int whence) override;
    Result<FileStat> stat() override { return node_->stat(); }
    Inode* inode() override { return node_.get(); }

private:
    // Caller holds lock_.
    Result<std::size_t> read_locked(std::span<std::uint8_t> out, std::uint64_t offset);

    RefPtr<GeneratedFile> node_;
    base::Mutex lock_;  // guards everything below
    base::Vector<char> text_;
    std::uint64_t offset_ = 0;
    bool read_since_generated_ = false;
};

class ListingFile final : public OpenFile {
public:
    ListingFile(RefPtr<ProcDirectory> directory, int flags)
        : OpenFile(flags), directory_(static_cast<RefPtr<ProcDirectory>&&>(directory)) {}

    Result<std::size_t> read(std::span<std::uint8_t> out) override;
    Result<std::size_t> pread(std::span<std::uint8_t> out, std::uint64_t offset) override;
    Result<std::int64_t> seek(std::int64_t offset, int whence) override;
    Result<FileStat> stat() override { return directory_->stat(); }
    Result<std::size_t> getdents64(std::span<std::uint8_t> out) override;
    Inode* inode() override { return directory_.get(); }

private:
    RefPtr<ProcDirectory> directory_;
    base::Mutex lock_;  // guards everything below
    base::Vector<ListedEntry> entries_;
    bool listed_ = false;
    // 0 is ".", 1 is "..", and entries_[i] is at i + 2.
    std::uint64_t position_ = 0;
};

}  // namespace cella::fs::procfs
