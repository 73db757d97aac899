#pragma once
// mmap, munmap, mprotect and brk for one process over the shared address
// space. Pages are committed at the host when a mapping is made and
// released when it goes; the host kernel backs them only once touched, so
// a large mapping that is barely used costs little (the EDMM idea).
#include <cstdint>

#include "address_space.h"
#include "libos/base/own_ptr.h"
#include "libos/fs/open_file.h"

namespace cella::process {
class Process;
}

namespace cella::mm {

struct MapRequest {
    std::uint64_t address = 0;  // hint, or the address for MAP_FIXED*
    std::uint64_t length = 0;
    int prot = 0;
    int flags = 0;  // MAP_* from the application
    base::RefPtr<fs::OpenFile> file;
    std::uint64_t offset = 0;
    VmaKind kind = VmaKind::Anonymous;
    std::string_view name;
    std::uint64_t alignment = kPageSize;
    // Commit every page at once: the caller fills the whole mapping.
    bool populate = false;
};

Result<std::uint64_t> map(process::Process& process, const MapRequest& request);
Result<void> unmap(process::Process& process, std::uint64_t address, std::uint64_t length);
Result<void> protect(process::Process& process, std::uint64_t address, std::uint64_t length, int prot);
// brk(): returns the new break, or the old one when the request cannot be met.
std::uint64_t set_break(process::Process& process, std::uint64_t requested);
// Reserves the range brk() grows into.
Result<void> reserve_break(process::Process& process, std::uint64_t size);
// Gives back everything the process holds (exit, exec).
void release_all(process::Process& process);

}  // namespace cella::mm
