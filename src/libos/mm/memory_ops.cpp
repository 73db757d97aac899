#include "memory_ops.h"

#include <asm-generic/errno.h>
#include <linux/mman.h>

#include "file_backing.h"
#include "lazy_fill.h"
#include "libos/host/host.h"
#include "libos/process/process.h"
#include "release.h"

namespace cella::mm {
namespace {

using base::Error;

// Everything mmap accepts; MAP_SHARED_VALIDATE refuses the rest with
// EOPNOTSUPP (Linux's LEGACY_MAP_MASK).
constexpr int kKnownFlags = MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | MAP_DENYWRITE | MAP_EXECUTABLE |
                            MAP_UNINITIALIZED | MAP_GROWSDOWN | MAP_LOCKED | MAP_NORESERVE | MAP_POPULATE |
                            MAP_NONBLOCK | MAP_STACK | MAP_HUGETLB | MAP_32BIT | MAP_FIXED_NOREPLACE |
                            (MAP_HUGE_MASK << MAP_HUGE_SHIFT);
constexpr std::uint64_t kBelow2GiB = std::uint64_t{1} << 31;

// What a file descriptor maps as: a regular file's contents, or, for
// /dev/zero, anonymous memory.
enum class Backing { Anonymous, File, Unmappable };

Backing backing_of(fs::OpenFile& file) {
    fs::Inode* inode = file.inode();
    if (!inode) return Backing::Unmappable;
    fs::FileStat stat = inode->stat();
    if ((stat.mode & 0170000) == 0100000) return Backing::File;
    constexpr std::uint64_t kDevZero = (1 << 8) | 5;  // major 1, minor 5
    if ((stat.mode & 0170000) == 0020000 && stat.rdev == kDevZero) return Backing::Anonymous;
    return Backing::Unmappable;
}

Result<void> check_request(const MapRequest& request, Backing backing) {
    int flags = request.flags;
    int type = flags & MAP_TYPE;
    if (type != MAP_PRIVATE && type != MAP_SHARED && type != MAP_SHARED_VALIDATE) return Error::from_errno(EINVAL);
    if (type == MAP_SHARED_VALIDATE) {
        // Linux validates only file mappings; anonymous ones refuse the type.
        if (!request.file) return Error::from_errno(EINVAL);
        if (flags & ~kKnownFlags) return Error::from_errno(EOPNOTSUPP);
    }
    if (request.offset % kPageSize) return Error::from_errno(EINVAL);
    bool fixed = flags & (MAP_FIXED | MAP_FIXED_NOREPLACE);
    if (fixed && request.address % kPageSize) return Error::from_errno(EINVAL);
    if ((flags & MAP_GROWSDOWN) && type != MAP_PRIVATE) return Error::from_errno(EINVAL);
    if (request.file) {
        if (backing == Backing::Unmappable) return Error::from_errno(ENODEV);
        if (!request.file->readable()) return Error::from_errno(EACCES);
        if (type != MAP_PRIVATE && (request.prot & PROT_WRITE) && !request.file->writable())
            return Error::from_errno(EACCES);
        if (request.file->inode()) TRY(request.file->inode()->check_map(type != MAP_PRIVATE, request.prot));
    }
    // As Linux with no huge pages reserved, which is the usual host.
    if (flags & MAP_HUGETLB) return Error::from_errno(backing == Backing::File ? EINVAL : ENOMEM);
    return {};
}

// Lock held. Makes room at the fixed address: what is there must be this
// process's, and is replaced.
Result<void> clear_fixed_range(AddressSpace& space, process::Process& process, std::uint64_t start, std::uint64_t end,
                               int flags) {
    if (space.is_free(start, end)) return {};
    if (flags & MAP_FIXED_NOREPLACE) return Error::from_errno(EEXIST);
    bool foreign = false;
    space.for_each_in(start, end, [&](const Vma& vma) { foreign |= vma.owner != process.memory_owner(); });
    if (foreign) return Error::from_errno(ENOMEM);
    // Outside the enclave range a page we have no record of may be the
    // host's own memory: replace only what is wholly ours.
    if (!space.in_user_range(start, end) && !space.covered(start, end, process.memory_owner()))
        return Error::from_errno(ENOMEM);
    return drop_range(space, process.memory_owner(), start, end, true);
}

// Space lock held, [start, start+length) fresh and host-writable: the
// file's bytes from `offset` go straight in (the rest stays zero, as past
// the end of a file on Linux).
Result<void> read_private_file(fs::OpenFile& file, std::uint64_t start, std::uint64_t length, std::uint64_t offset) {
    std::uint64_t available = length;
    if (fs::Inode* inode = file.inode()) {
        std::uint64_t size = inode->stat().size;
        available = size <= offset ? 0 : size - offset < length ? size - offset : length;
    }
    if (available) (void)host::populate_write(start, page_round_up(available));
    auto* at = reinterpret_cast<std::uint8_t*>(start);
    for (std::uint64_t done = 0; done < available;) {
        std::size_t n = TRY(file.pread({at + done, available - done}, offset + done));
        if (n == 0) break;
        done += n;
    }
    return {};
}

// Undoes a file mapping whose data could not be read, where it still stands.
void discard_unfilled(process::Process& process, const base::RefPtr<fs::OpenFile>& file, std::uint64_t start,
                      std::uint64_t end) {
    AddressSpace& space = address_space();
    base::ScopedLock guard(space.lock());
    if (space.isolate(start, end).is_error()) return;
    auto unfilled = [&](const Vma& vma) { return vma.owner == process.memory_owner() && vma.file.get() == file.get(); };
    space.for_each_in(start, end, [&](const Vma& vma) {
        if (unfilled(vma)) release_at_host(space, vma.start, vma.end);
    });
    space.remove_if(start, end, unfilled);
}

}  // namespace

Result<std::uint64_t> map(process::Process& process, const MapRequest& request) {
    if (request.length == 0) return Error::from_errno(EINVAL);
    Backing backing = request.file ? backing_of(*request.file) : Backing::Anonymous;
    TRY(check_request(request, backing));
    if ((request.flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) && request.address < kMmapMinAddress) {
        // Linux's cap_mmap_addr: below vm.mmap_min_addr only with CAP_SYS_RAWIO.
        constexpr int kCapSysRawio = 17;
        base::ScopedLock guard(process.credentials_lock());
        if (!process.credentials.has_capability(kCapSysRawio)) return Error::from_errno(EPERM);
    }
    std::uint64_t length = page_round_up(request.length);
    if (length < request.length) return Error::from_errno(ENOMEM);
    if (request.offset + length < request.offset) return Error::from_errno(EOVERFLOW);
    int flags = request.flags;
    bool shared = (flags & MAP_TYPE) != MAP_PRIVATE;
    base::RefPtr<fs::OpenFile> file = backing == Backing::File ? request.file : nullptr;
    // A shared mapping maps pages every other mapping of them sees too:
    // the file's page cache, pages the caller has (a System V segment),
    // or fresh shared memory. A file system with no page cache (procfs)
    // gets read-only copies.
    base::RefPtr<SharedPages> pages = shared && !file ? request.pages : nullptr;
    std::uint64_t offset = file || pages ? request.offset : 0;
    if (shared && file) pages = TRY(file->inode()->shared_pages());
    if (shared && file && !pages && file->writable()) return Error::from_errno(ENODEV);
    if (shared && !file && !pages) pages = TRY(SharedPages::create(length));

    AddressSpace& space = address_space();
    std::uint64_t start;
    {
        base::ScopedLock guard(space.lock());
        if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
            start = request.address;
            if (start + length < start) return Error::from_errno(ENOMEM);
            TRY(clear_fixed_range(space, process, start, start + length, flags));
        } else {
            std::uint64_t below = (flags & MAP_32BIT) ? kBelow2GiB : 0;
            start = TRY(space.find_free(length, request.alignment, page_round_down(request.address), below));
        }
        std::uint64_t end = start + length;

        // The host backs pages as they are touched. A private file mapping
        // is read from the file page by page as it is touched (lazy_fill.h):
        // inaccessible at the host until then. Asked to populate, it is read
        // straight into its pages now, while they are writable.
        bool populate = request.populate || (flags & (MAP_POPULATE | MAP_LOCKED)) != 0;
        bool direct_fill = file && !shared && populate;
        bool lazy_fill = file && !shared && !direct_fill;
        int host_prot = direct_fill ? PROT_READ | PROT_WRITE : lazy_fill ? PROT_NONE : request.prot;
        if (pages) {
            bool inside = space.in_user_range(start, end);
            auto mapped = pages->map(start, length, request.prot, offset, inside);
            if (mapped.is_error())
                return Error::from_errno(mapped.error().code() == EEXIST && !inside && !(flags & MAP_FIXED_NOREPLACE)
                                             ? ENOMEM
                                             : mapped.error().code());
        } else if (space.in_user_range(start, end)) {
            TRY(host::map_anonymous_fixed(start, length, host_prot, populate && !file));
        } else {
            auto mapped = host::map_anonymous_noreplace(start, length, host_prot);
            if (mapped.is_error())
                return Error::from_errno(mapped.error().code() == EEXIST && !(flags & MAP_FIXED_NOREPLACE)
                                             ? ENOMEM
                                             : mapped.error().code());
        }

        Vma vma{start,
                end,
                request.prot,
                shared ? MAP_SHARED : MAP_PRIVATE,
                process.memory_owner(),
                file ? VmaKind::File : request.kind,
                {},
                file,
                offset,
                !(shared && file && !file->writable()),
                (flags & MAP_GROWSDOWN) != 0,
                pages,
                {}};
        auto prepared = [&]() -> Result<void> {
            vma.name = TRY(base::String::from(backing == Backing::Anonymous && request.file ? "" : request.name));
            if (file && !shared) TRY(track_fill(vma, direct_fill));
            return space.insert(static_cast<Vma&&>(vma));
        }();
        if (prepared.is_error()) {
            release_at_host(space, start, end);
            return prepared.error();
        }
        if (direct_fill) {
            auto filled = read_private_file(*file, start, length, request.offset);
            if (filled.is_error() || host_prot != request.prot) {
                auto protected_now = host::protect(start, length, request.prot);
                if (!filled.is_error()) filled = protected_now;
            }
            if (filled.is_error()) {
                auto mine = [&](const Vma& vma) { return vma.owner == process.memory_owner() && vma.file.get() == file.get(); };
                release_at_host(space, start, end);
                space.remove_if(start, end, mine);
                return filled.error();
            }
            return start;
        }
        if (lazy_fill) return start;
    }

    if (file && !pages) {
        auto filled = fill_from_file({file, process.memory_owner(), start, length, request.offset});
        if (filled.is_error()) {
            discard_unfilled(process, file, start, start + length);
            return filled.error();
        }
    }
    return start;
}

Result<void> remap_file_pages(process::Process& process, std::uint64_t start, std::uint64_t size, int prot,
                              std::uint64_t pgoff) {
    if (prot) return Error::from_errno(EINVAL);
    start = page_round_down(start);
    size = page_round_down(size);
    if (start + size <= start) return Error::from_errno(EINVAL);
    if (pgoff + size / kPageSize < pgoff || pgoff > (~std::uint64_t{0} >> 12)) return Error::from_errno(EINVAL);
    MapRequest request;
    request.address = start;
    request.length = size;
    request.offset = pgoff * kPageSize;
    {
        AddressSpace& space = address_space();
        base::ScopedLock guard(space.lock());
        // One shared mapping, or neighbours alike, must hold the whole range.
        const Vma* first = space.find(start);
        // (An attached System V segment is left to shmat and shmdt.)
        if (!first || first->owner != process.memory_owner() || !first->is_mapped() || !first->is_shared() ||
            first->shared)
            return Error::from_errno(EINVAL);
        bool alike = space.covered(start, start + size, process.memory_owner());
        space.for_each_in(start, start + size, [&](const Vma& vma) {
            alike &= vma.file.get() == first->file.get() && vma.pages.get() == first->pages.get() &&
                     vma.prot == first->prot;
        });
        if (!alike) return Error::from_errno(EINVAL);
        request.prot = first->prot;
        request.flags = MAP_SHARED | MAP_FIXED | MAP_POPULATE;
        request.file = first->file;
        request.pages = first->pages;
        request.kind = first->kind;
    }
    if (request.file) request.name = request.file->path().view();
    TRY(map(process, request));
    return {};
}

Result<void> unmap(process::Process& process, std::uint64_t address, std::uint64_t length) {
    if (address % kPageSize || length == 0) return Error::from_errno(EINVAL);
    std::uint64_t end = page_round_up(address + length);
    if (end <= address) return Error::from_errno(EINVAL);
    AddressSpace& space = address_space();
    base::ScopedLock guard(space.lock());
    return drop_range(space, process.memory_owner(), address, end);
}

Result<void> protect(process::Process& process, std::uint64_t address, std::uint64_t length, int prot) {
    if (address % kPageSize) return Error::from_errno(EINVAL);
    if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_GROWSDOWN | PROT_GROWSUP)) return Error::from_errno(EINVAL);
    if ((prot & PROT_GROWSDOWN) && (prot & PROT_GROWSUP)) return Error::from_errno(EINVAL);
    if (length == 0) return {};
    std::uint64_t end = page_round_up(address + length);
    if (end <= address) return Error::from_errno(ENOMEM);
    AddressSpace& space = address_space();
    base::ScopedLock guard(space.lock());
    if (prot & (PROT_GROWSDOWN | PROT_GROWSUP)) {
        // The change reaches down to the bottom of a stack that grows
        // down; x86-64 has no stacks that grow up.
        const Vma* vma = space.find(address);
        if (!vma || vma->owner != process.memory_owner() || !vma->grows_down || (prot & PROT_GROWSUP))
            return Error::from_errno(EINVAL);
        address = vma->start;
    }
    prot &= PROT_READ | PROT_WRITE | PROT_EXEC;
    if (!space.covered(address, end, process.memory_owner())) return Error::from_errno(ENOMEM);
    if (prot & PROT_WRITE) {
        bool refused = false;
        space.for_each_in(address, end, [&](const Vma& vma) { refused |= !vma.may_write; });
        if (refused) return Error::from_errno(EACCES);
    }
    // Pages not yet read from their file stay inaccessible at the host.
    bool unfilled = false;
    space.for_each_in(address, end, [&](const Vma& vma) { unfilled |= any_unfilled(vma, address, end); });
    if (!unfilled) {
        TRY(host::protect(address, end - address, prot));
    } else {
        Result<void> result;
        space.for_each_in(address, end, [&](const Vma& vma) {
            std::uint64_t from = vma.start > address ? vma.start : address;
            std::uint64_t to = vma.end < end ? vma.end : end;
            if (!result.is_error()) result = protect_at_host(vma, from, to, prot);
        });
        TRY(result);
    }
    return space.protect(address, end, prot, process.memory_owner());
}

void release_all(process::Process& process) {
    // A vfork child holds nothing of its own: the memory is its parent's.
    if (process.borrows_memory()) return;
    AddressSpace& space = address_space();
    base::ScopedLock guard(space.lock());
    // Mappings side by side (a program's segments, its heap reserve) go
    // back to the host in one call: each host unmap costs a TLB shootdown.
    std::uint64_t run_start = 0, run_end = 0;
    auto release_run = [&] {
        if (run_end > run_start) release_at_host(space, run_start, run_end);
    };
    space.remove_all(process.memory_owner(), [&](Vma& vma) {
        bool joins = vma.start == run_end &&
                     space.in_user_range(vma.start, vma.end) == space.in_user_range(run_start, run_end);
        if (!joins) {
            release_run();
            run_start = vma.start;
        }
        run_end = vma.end;
    });
    release_run();
    process.program_break() = {};
}

}  // namespace cella::mm
