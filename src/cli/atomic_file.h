#pragma once
// Files that appear whole or not at all: written under a temporary name in
// the destination's folder, flushed to disk, then renamed into place. A
// crash or an error midway leaves the previous version (or nothing).
#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>
#include <vector>

namespace cella::cli {

class AtomicFile {
public:
    // Creates the temporary file beside `destination`; throws UserError.
    explicit AtomicFile(std::filesystem::path destination);
    // Removes the temporary file unless commit() ran.
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    void write(std::span<const std::uint8_t> bytes);
    void write_zeros(std::uint64_t count);
    // Bytes written so far.
    std::uint64_t position() const { return position_; }
    // What was written at `offset` (all of `out` must have been written).
    void read_back(std::uint64_t offset, std::span<std::uint8_t> out);
    // Writes over bytes written before (`offset + bytes.size()` at most
    // position()).
    void overwrite(std::uint64_t offset, std::span<const std::uint8_t> bytes);
    // Flushes, fsyncs and renames the file to its destination.
    void commit();

private:
    void flush();
    [[noreturn]] void fail(std::string_view action) const;

    std::filesystem::path destination_;
    std::filesystem::path temporary_;
    int fd_ = -1;
    std::vector<std::uint8_t> buffer_;
    std::uint64_t position_ = 0;
};

void write_file_atomically(const std::filesystem::path& destination, std::string_view content);

}  // namespace cella::cli
