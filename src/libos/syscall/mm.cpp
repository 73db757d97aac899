// Memory syscalls: decode, check, call mm/.
#include <asm-generic/errno.h>
#include <asm/unistd.h>
#include <linux/mman.h>

#include "libos/mm/memory_ops.h"
#include "libos/mm/user_memory.h"
#include "libos/process/current.h"
#include "syscall.h"

namespace cella::syscall {
namespace {

using process::current_process;

Result<long> sys_mmap(SyscallArgs& a) {
    mm::MapRequest request;
    request.address = a.address(0);
    request.length = a.size(1);
    // Linux's mmap ignores protection bits it does not know (mprotect refuses them).
    request.prot = a.integer(2) & (PROT_READ | PROT_WRITE | PROT_EXEC);
    request.flags = a.integer(3);
    request.offset = a.arg[5];
    if (!(request.flags & MAP_ANONYMOUS)) {
        request.file = TRY(current_process().fds().get(a.fd(4)));
        request.kind = mm::VmaKind::File;
        request.name = request.file->path().view();
    } else {
        request.offset = 0;
    }
    return static_cast<long>(TRY(mm::map(current_process(), request)));
}

Result<long> sys_munmap(SyscallArgs& a) {
    TRY(mm::unmap(current_process(), a.address(0), a.size(1)));
    return 0;
}

Result<long> sys_mprotect(SyscallArgs& a) {
    TRY(mm::protect(current_process(), a.address(0), a.size(1), a.integer(2)));
    return 0;
}

Result<long> sys_mremap(SyscallArgs& a) {
    mm::RemapRequest request{a.address(0), a.size(1), a.size(2), a.integer(3), a.address(4)};
    return static_cast<long>(TRY(mm::remap(current_process(), request)));
}

Result<long> sys_msync(SyscallArgs& a) {
    TRY(mm::sync(current_process(), a.address(0), a.size(1), a.integer(2)));
    return 0;
}

Result<long> sys_madvise(SyscallArgs& a) {
    TRY(mm::advise(current_process(), a.address(0), a.size(1), a.integer(2)));
    return 0;
}

// The vector is filled a batch of pages at a time, so a huge range needs
// no huge LibOS buffer.
Result<long> sys_mincore(SyscallArgs& a) {
    std::uint64_t start = a.address(0), length = a.size(1), vector = a.address(2);
    if (start % mm::kPageSize) return Error::from_errno(EINVAL);
    std::uint64_t end = mm::page_round_up(start + length);
    if (end < start || (length && end == start)) return Error::from_errno(ENOMEM);
    std::uint8_t batch[256];
    constexpr std::uint64_t kBatchBytes = sizeof batch * mm::kPageSize;
    for (std::uint64_t at = start; at < end;) {
        std::uint64_t bytes = end - at < kBatchBytes ? end - at : kBatchBytes;
        std::size_t pages = bytes / mm::kPageSize;
        TRY(mm::residency(current_process(), at, bytes, {batch, pages}));
        TRY(mm::copy_to_user(vector + (at - start) / mm::kPageSize, batch, pages));
        at += bytes;
    }
    return 0;
}

Result<long> sys_remap_file_pages(SyscallArgs& a) {
    TRY(mm::remap_file_pages(current_process(), a.address(0), a.size(1), a.integer(2), a.arg[3]));
    return 0;
}

Result<long> sys_brk(SyscallArgs& a) { return static_cast<long>(mm::set_break(current_process(), a.address(0))); }

constexpr SyscallSpec kSpecs[] = {
    {__NR_mmap, sys_mmap, "puPMdx"},
    {__NR_munmap, sys_munmap, "pu"},
    {__NR_mprotect, sys_mprotect, "puP"},
    {__NR_mremap, sys_mremap, "puuxp"},
    {__NR_msync, sys_msync, "pux"},
    {__NR_madvise, sys_madvise, "pud"},
    {__NR_mincore, sys_mincore, "pup"},
    {__NR_brk, sys_brk, "p"},
    {__NR_remap_file_pages, sys_remap_file_pages, "puxux"},
};

}  // namespace

std::span<const SyscallSpec> mm_syscalls() { return kSpecs; }

}  // namespace cella::syscall
