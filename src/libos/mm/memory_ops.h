#pragma once
// The memory calls of one process over the shared address space: mmap,
// munmap, mprotect, mremap, msync, madvise, mincore and brk, with Linux's
// semantics. A mapping is made at the host without committing it; the
// host kernel backs a page only once it is touched, so a large mapping
// that is barely used costs little (the EDMM idea). A shared mapping maps
// pages every mapping of them sees (shared_pages.h); a private file
// mapping reads each part of the file when it is first touched
// (lazy_fill.h).
#include <cstdint>
#include <span>

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
    // MAP_SHARED | MAP_ANONYMOUS: map these (a System V segment, say),
    // from `offset` in them, instead of fresh shared memory.
    base::RefPtr<SharedPages> pages;
};

Result<std::uint64_t> map(process::Process& process, const MapRequest& request);
Result<void> unmap(process::Process& process, std::uint64_t address, std::uint64_t length);
Result<void> protect(process::Process& process, std::uint64_t address, std::uint64_t length, int prot);

struct RemapRequest {
    std::uint64_t old_address = 0;
    std::uint64_t old_length = 0;
    std::uint64_t new_length = 0;
    int flags = 0;  // MREMAP_*
    std::uint64_t new_address = 0;
};
Result<std::uint64_t> remap(process::Process& process, const RemapRequest& request);

// remap_file_pages(2), as Linux 6.x still serves it: a new MAP_SHARED
// mapping of the same file over [start, start+size), from page `pgoff`.
Result<void> remap_file_pages(process::Process& process, std::uint64_t start, std::uint64_t size, int prot,
                              std::uint64_t pgoff);

// msync(2): shared pages are one copy, so there is nothing to write back.
Result<void> sync(process::Process& process, std::uint64_t address, std::uint64_t length, int flags);
// madvise(2).
Result<void> advise(process::Process& process, std::uint64_t address, std::uint64_t length, int advice);
// mincore(2) for [address, address+length), at most out.size() pages.
Result<void> residency(process::Process& process, std::uint64_t address, std::uint64_t length,
                       std::span<std::uint8_t> out);

// The lowest address a fixed mapping may take without CAP_SYS_RAWIO
// (Linux's default vm.mmap_min_addr, which /proc/sys/vm/mmap_min_addr
// shows): below it mmap(MAP_FIXED) fails with EPERM.
inline constexpr std::uint64_t kMmapMinAddress = 65536;

// Bytes of `owner`'s mappings the host has backed (VmRSS), asked of the
// host page by page: worth it for /proc, not for a hot path.
Result<std::uint64_t> resident_bytes(int owner);
// The same for the part of them in [start, end).
Result<std::uint64_t> resident_bytes_in(int owner, std::uint64_t start, std::uint64_t end);

// brk(): returns the new break, or the old one when the request cannot be met.
std::uint64_t set_break(process::Process& process, std::uint64_t requested);
// Reserves the range brk() grows into.
Result<void> reserve_break(process::Process& process, std::uint64_t size);

struct SharedMapRequest {
    std::uint64_t address = 0;  // 0: anywhere
    bool replace = false;       // at `address`, over the caller's own mappings (SHM_REMAP)
    int prot = 0;
    bool may_write = true;      // mprotect may add PROT_WRITE later
    std::string_view name;
};

// Maps all of `memory` into `process` (shmat). At a given address that is
// taken, EINVAL unless `replace`.
Result<std::uint64_t> map_shared(process::Process& process, base::RefPtr<SharedMemory> memory,
                                 const SharedMapRequest& request);

// Ends the mappings of the shared memory mapped at `address` from its start
// (shmdt): EINVAL when no shared memory starts there. Returns the memory.
Result<base::RefPtr<SharedMemory>> unmap_shared(process::Process& process, std::uint64_t address);

// Gives back everything the process holds (exit, exec).
void release_all(process::Process& process);

}  // namespace cella::mm
