#include "mappings.h"

#include <linux/mman.h>

#include "process_info.h"

namespace cella::fs::procfs {

Result<base::Vector<Mapping>> mappings_of(int pid) {
    base::Vector<Mapping> out;
    Result<void> copied;
    mm::AddressSpace& space = mm::address_space();
    base::ScopedLock guard(space.lock());
    space.for_each(pid, [&](const mm::Vma& vma) {
        if (copied.is_error() || vma.kind == mm::VmaKind::HeapReserve) return;
        auto name = vma.name.try_clone();
        if (name.is_error()) {
            copied = name.error();
            return;
        }
        copied = out.try_append(Mapping{vma.start, vma.end, vma.prot, (vma.flags & MAP_SHARED) != 0, vma.kind,
                                        name.release_value(), vma.file, vma.offset, static_cast<bool>(vma.shared),
                                        vma.shared ? vma.shared.get()->dev : 0, vma.shared ? vma.shared.get()->ino : 0,
                                        vma.ever_writable});
    });
    TRY(copied);
    return out;
}

MemoryTotals memory_totals(const base::Vector<Mapping>& mappings, std::string_view exe_path) {
    MemoryTotals totals;
    for (const Mapping& mapping : mappings) {
        std::uint64_t bytes = mapping.end - mapping.start;
        ++totals.count;
        totals.size += bytes;
        if (mapping.kind == mm::VmaKind::File)
            totals.file += bytes;
        else
            totals.anonymous += bytes;
        if (mapping.kind == mm::VmaKind::Stack) {
            totals.stack += bytes;
            totals.stack_top = mapping.end;
        } else if ((mapping.prot & PROT_WRITE) && !mapping.shared) {
            totals.data += bytes;
        }
        if (mapping.kind == mm::VmaKind::Heap && totals.heap_start == 0) totals.heap_start = mapping.start;
        if (mapping.kind == mm::VmaKind::File && (mapping.prot & PROT_EXEC)) {
            if (mapping.name.view() == exe_path) {
                totals.exe += bytes;
                if (totals.code_start == 0) totals.code_start = mapping.start;
                totals.code_end = mapping.end;
            } else {
                totals.lib += bytes;
            }
        }
    }
    return totals;
}


}  // namespace cella::fs::procfs
