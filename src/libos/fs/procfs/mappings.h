#pragma once
// A process's memory map as the application sees it, copied out of the
// shared address space, and the totals /proc/PID/status, stat and statm
// report.
#include <cstdint>

#include "libos/base/own_ptr.h"
#include "libos/base/string.h"
#include "libos/base/vector.h"
#include "libos/fs/open_file.h"
#include "libos/mm/address_space.h"

namespace cella::fs::procfs {

using base::Result;

struct Mapping {
    std::uint64_t start;
    std::uint64_t end;
    int prot;
    bool shared;
    mm::VmaKind kind;
    base::String name;
    // mmap of an open file: the file and the offset in it of `start`.
    // Programs and libraries are copied in by the loader and have neither.
    base::RefPtr<OpenFile> file;
    std::uint64_t offset;
    // Shared memory (System V segments): its device and inode; `offset` is in it.
    bool shared_memory = false;
    std::uint64_t shared_dev = 0, shared_ino = 0;
    bool ever_writable = false;  // PROT_WRITE at some time (Linux's VM_ACCOUNT for a private mapping)
};

// In address order. brk's reserve is left out: the application has not
// mapped it, and glibc's pthread_getattr_np would take it for the gap
// below the stack.
Result<base::Vector<Mapping>> mappings_of(int pid);

struct MemoryTotals {
    std::uint64_t size = 0;       // every mapping (VmSize)
    std::uint64_t file = 0;       // backed by a file (RssFile)
    std::uint64_t anonymous = 0;  // the rest (RssAnon)
    std::uint64_t stack = 0;      // VmStk
    std::uint64_t data = 0;       // private, writable, not stack (VmData)
    std::uint64_t exe = 0;        // executable mappings of the program (VmExe)
    std::uint64_t lib = 0;        // executable mappings of other files (VmLib)
    std::uint64_t code_start = 0, code_end = 0;  // the program's executable mapping
    std::uint64_t stack_top = 0;  // end of the [stack] mapping
    std::uint64_t heap_start = 0;
    std::size_t count = 0;
};

// `exe_path` picks out the program's own mappings.
MemoryTotals memory_totals(const base::Vector<Mapping>& mappings, std::string_view exe_path);

}  // namespace cella::fs::procfs
