#include "user_memory.h"

#include <asm-generic/errno.h>
#include <linux/mman.h>

#include "address_space.h"
#include "fault.h"
#include "lazy_fill.h"
#include "libos/entry/asm_symbols.h"
#include "libos/process/current.h"

namespace cella::mm {
namespace {

using base::Error;

// Lock held. Whether every shared page of [start, end) exists: past the
// end of a file (or of shared memory) an access gives SIGBUS, which in
// the LibOS would be a crash; Linux answers EFAULT.
bool shared_pages_exist(AddressSpace& space, std::uint64_t start, std::uint64_t end) {
    bool exist = true;
    space.for_each_in(start, end, [&](const Vma& vma) {
        if (!vma.pages) return;
        std::uint64_t from = vma.start > start ? vma.start : start;
        std::uint64_t to = vma.end < end ? vma.end : end;
        exist &= vma.pages->holds(vma.offset_of(from), to - from);
    });
    return exist;
}

bool accessible_to(int pid, std::uint64_t address, std::size_t length, int prot) {
    AddressSpace& space = address_space();
    base::ScopedLock guard(space.lock());
    // Most buffers lie in one mapping that needs nothing done: one lookup.
    if (const Vma* vma = space.find(address); vma && length && address + length > address &&
                                              address + length <= vma->end && vma->owner == pid && vma->is_mapped() &&
                                              (vma->prot & prot) == prot && !vma->pages &&
                                              !any_unfilled(*vma, address, address + length))
        return true;
    // Pages of private file mappings not read yet are read now, as the
    // application's own touch would (lazy_fill.h).
    if (space.check(address, length, prot, pid))
        return shared_pages_exist(space, address, address + length) &&
               !fill_range(space, pid, address, address + length).is_error();
    // A buffer just below a MAP_GROWSDOWN stack: Linux grows the stack
    // when the kernel touches it, as it would for the application.
    return grow_stack_to(space, pid, address, prot) && space.check(address, length, prot, pid);
}

bool accessible(std::uint64_t address, std::size_t length, int prot) {
    return accessible_to(process::current_process().memory_owner(), address, length, prot);
}

}  // namespace

bool process_memory_accessible(process::Process& process, std::uint64_t address, std::size_t length, int prot) {
    return accessible_to(process.memory_owner(), address, length, prot);
}

Result<void> copy_from_user(void* dst, std::uint64_t src, std::size_t n) {
    if (!accessible(src, n, PROT_READ)) return Error::from_errno(EFAULT);
    if (cella_user_copy(dst, reinterpret_cast<const void*>(src), n) != 0) return Error::from_errno(EFAULT);
    return {};
}

Result<void> copy_to_user(std::uint64_t dst, const void* src, std::size_t n) {
    if (!accessible(dst, n, PROT_WRITE)) return Error::from_errno(EFAULT);
    if (cella_user_copy(reinterpret_cast<void*>(dst), src, n) != 0) return Error::from_errno(EFAULT);
    return {};
}

Result<base::String> copy_string_from_user(std::uint64_t src, std::size_t max_length) {
    // Check page by page: a string may end well before a bad page.
    char chunk[256];
    base::String result;
    std::uint64_t at = src;
    while (true) {
        if (result.size() > max_length) return Error::from_errno(ENAMETOOLONG);
        std::uint64_t page_left = kPageSize - (at % kPageSize);
        std::size_t want = page_left < sizeof chunk ? page_left : sizeof chunk;
        if (!accessible(at, 1, PROT_READ)) return Error::from_errno(EFAULT);
        long n = cella_user_strncpy(chunk, reinterpret_cast<const char*>(at), want);
        if (n == -EFAULT) return Error::from_errno(EFAULT);
        if (n >= 0) {
            TRY(result.try_append(std::string_view(chunk, n)));
            if (result.size() > max_length) return Error::from_errno(ENAMETOOLONG);
            return result;
        }
        TRY(result.try_append(std::string_view(chunk, want)));
        at += want;
    }
}

Result<std::span<std::uint8_t>> user_writable(std::uint64_t address, std::size_t length) {
    if (!accessible(address, length, PROT_WRITE)) return Error::from_errno(EFAULT);
    return std::span<std::uint8_t>(reinterpret_cast<std::uint8_t*>(address), length);
}

Result<std::span<const std::uint8_t>> user_readable(std::uint64_t address, std::size_t length) {
    if (!accessible(address, length, PROT_READ)) return Error::from_errno(EFAULT);
    return std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(address), length);
}

}  // namespace cella::mm
