#pragma once
// Where the function around an address of an ELF file's code starts and
// ends, from the file's unwind table (PT_GNU_EH_FRAME: .eh_frame_hdr's
// sorted search table, then the FDE's own range). Every Debian binary and
// library carries it, hand-written assembly in glibc included.
#include <cstddef>
#include <cstdint>
#include <span>

namespace cella::rewrite {

// Reads bytes of the file at a file offset; false when they are not all there.
class FileBytes {
public:
    virtual bool read(std::uint64_t offset, std::span<std::uint8_t> out) = 0;

protected:
    ~FileBytes() = default;
};

struct FunctionBounds {
    // Link-time addresses (p_vaddr space) and the file offsets they load from.
    std::uint64_t start = 0;
    std::uint64_t end = 0;
    std::uint64_t file_offset = 0;  // of `start`
    // An exception table (LSDA) names landing pads: branch targets that no
    // instruction of the function shows.
    bool has_landing_pads = false;
};

// The function containing the byte at `file_offset` of an executable
// PT_LOAD segment. False when the file has no usable unwind table or no
// FDE covers the address.
bool find_function(FileBytes& file, std::uint64_t file_offset, FunctionBounds& out);

}  // namespace cella::rewrite
