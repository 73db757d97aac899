// Memory syscalls: decode, check, call mm/.
#include <asm-generic/errno.h>
#include <asm/unistd.h>
#include <linux/mman.h>

#include "libos/host/host.h"
#include "libos/mm/memory_ops.h"
#include "libos/process/current.h"
#include "syscall.h"

namespace cella::syscall {
namespace {

using process::current_process;

Result<long> sys_mmap(SyscallArgs& a) {
    mm::MapRequest request;
    request.address = a.address(0);
    request.length = a.size(1);
    request.prot = a.integer(2);
    request.flags = a.integer(3);
    request.offset = a.arg[5];
    if (request.prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)) return Error::from_errno(EINVAL);
    if (!(request.flags & MAP_ANONYMOUS)) {
        request.file = TRY(current_process().fds().get(a.fd(4)));
        if (request.file->inode() && request.file->inode()->is_directory()) return Error::from_errno(ENODEV);
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

Result<long> sys_brk(SyscallArgs& a) { return static_cast<long>(mm::set_break(current_process(), a.address(0))); }

// Advice changes nothing the application can observe here, except
// MADV_DONTNEED on private anonymous memory, which must read back as zeros.
Result<long> sys_madvise(SyscallArgs& a) {
    std::uint64_t start = a.address(0);
    if (start % mm::kPageSize) return Error::from_errno(EINVAL);
    if (a.integer(2) == MADV_DONTNEED && a.size(1)) {
        std::uint64_t end = mm::page_round_up(start + a.size(1));
        mm::AddressSpace& space = mm::address_space();
        base::ScopedLock guard(space.lock());
        if (!space.covered(start, end, process::current_pid())) return Error::from_errno(ENOMEM);
        for (std::uint64_t at = start; at < end;) {
            const mm::Vma* vma = space.find(at);
            std::uint64_t stop = vma->end < end ? vma->end : end;
            if (vma->flags & MAP_PRIVATE) TRY(host::discard(at, stop - at));
            at = stop;
        }
    }
    return 0;
}

constexpr SyscallSpec kSpecs[] = {
    {__NR_mmap, sys_mmap, "puPMdx"},
    {__NR_munmap, sys_munmap, "pu"},
    {__NR_mprotect, sys_mprotect, "puP"},
    {__NR_brk, sys_brk, "p"},
    {__NR_madvise, sys_madvise, "pud"},
};

}  // namespace

std::span<const SyscallSpec> mm_syscalls() { return kSpecs; }

}  // namespace cella::syscall
