#pragma once
// The three kinds of procfs node: a file whose text is generated, a
// symlink whose target is generated, and a directory whose entries are
// listed on demand. Nothing in /proc can be created or removed; a few
// files take writes (a Writer parses them).
#include <cstdint>

#include "libos/base/string.h"
#include "libos/base/vector.h"
#include "libos/fs/inode.h"
#include "subject.h"
#include "text_builder.h"

namespace cella::fs::procfs {

// Writes what a file (or a symlink's target) shows for `subject`.
using Generator = Result<void> (*)(const Subject& subject, TextBuilder& out);

// Takes what was written to a file (the whole of one write call).
using Writer = Result<void> (*)(const Subject& subject, std::string_view text);

class GeneratedFile final : public Inode {
public:
    GeneratedFile(std::uint64_t ino, Subject subject, Generator generator, Writer writer = nullptr,
                  std::uint32_t permissions = 0444)
        : ino_(ino), subject_(subject), generator_(generator), writer_(writer), permissions_(permissions) {}

    Result<base::Vector<char>> generate() const;
    bool writable() const { return writer_ != nullptr; }
    // A write call's data, parsed by the file's writer.
    Result<void> take_write(std::string_view text) const;

    // Size 0, as on Linux: the size is known only once the text is made.
    FileStat stat() const override;
    // The open file holds the text made now, so reads at any offset agree.
    Result<RefPtr<OpenFile>> open(int flags) override;
    // For callers without an open file; makes the text afresh.
    Result<std::size_t> read_at(std::uint64_t offset, std::span<std::uint8_t> out) override;
    // O_TRUNC of a writable file does nothing, as on Linux.
    Result<void> truncate(std::uint64_t size) override;

private:
    std::uint64_t ino_;
    Subject subject_;
    Generator generator_;
    Writer writer_;
    std::uint32_t permissions_;
};

// What a magic link (/proc/PID/fd/N) reaches when followed, or nullptr.
using MagicTarget = RefPtr<OpenFile> (*)(const Subject& subject);

class GeneratedSymlink final : public Inode {
public:
    GeneratedSymlink(std::uint64_t ino, Subject subject, Generator generator, std::uint32_t permissions,
                     MagicTarget magic = nullptr)
        : ino_(ino), subject_(subject), generator_(generator), permissions_(permissions), magic_(magic) {}

    FileStat stat() const override;
    Result<std::size_t> read_link(std::span<char> out) override;
    RefPtr<OpenFile> magic_link_target() override;

private:
    std::uint64_t ino_;
    Subject subject_;
    Generator generator_;
    std::uint32_t permissions_;
    MagicTarget magic_;
};

struct ListedEntry {
    base::String name;
    std::uint64_t ino;
    std::uint8_t type;  // DT_*
};

// Entries change as processes come and go, so a directory is listed whole
// into its open file (ListingFile) instead of through entry_at(), whose
// names would have to outlive the call.
class ProcDirectory : public Inode {
public:
    explicit ProcDirectory(std::uint64_t ino) : ino_(ino) {}

    virtual Result<void> list(base::Vector<ListedEntry>& out) = 0;

    FileStat stat() const override;
    Result<RefPtr<OpenFile>> open(int flags) override;

    // Linux's answers for a directory without these operations.
    Result<RefPtr<Inode>> create_file(std::string_view name, std::uint32_t mode) override;
    Result<RefPtr<Inode>> make_directory(std::string_view name, std::uint32_t mode) override;
    Result<RefPtr<Inode>> make_symlink(std::string_view name, std::string_view target) override;
    Result<void> add_link(std::string_view name, Inode& existing) override;
    Result<void> remove(std::string_view name, bool directory) override;
    Result<void> rename(std::string_view name, Inode& new_parent, std::string_view new_name,
                        bool no_replace) override;

private:
    std::uint64_t ino_;
};

template <typename T, typename... Args>
Result<RefPtr<Inode>> make_node(Args&&... args) {
    auto node = TRY(base::make_ref<T>(static_cast<Args&&>(args)...));
    return RefPtr<Inode>(static_cast<RefPtr<T>&&>(node));
}

inline constexpr std::uint8_t kTypeDirectory = 4;  // DT_DIR
inline constexpr std::uint8_t kTypeRegular = 8;    // DT_REG
inline constexpr std::uint8_t kTypeSymlink = 10;   // DT_LNK

}  // namespace cella::fs::procfs
