#include "maps.h"

#include <linux/mman.h>

#include "device_number.h"
#include "libos/fs/vfs.h"
#include "mappings.h"
#include "process_info.h"

namespace cella::fs::procfs {
namespace {

// Linux pads the fixed columns to this width before the name
// (25 + sizeof(void*) * 6 - 1 in fs/proc/task_mmu.c).
constexpr std::size_t kNameColumn = 72;

struct FileIdentity {
    std::uint64_t dev = 0;
    std::uint64_t ino = 0;
};

// The device and inode of the file a loaded program or library came from,
// by its path; 0 for both when the file is no longer there, as Linux shows
// for anonymous memory.
FileIdentity identity_of(std::string_view path) {
    if (path.empty() || path[0] != '/') return {};
    auto found = vfs().resolve("/", path, true);
    if (found.is_error()) return {};
    FileStat s = found.value().inode->stat();
    return {s.dev, s.ino};
}

std::string_view display_name(const Mapping& mapping) {
    switch (mapping.kind) {
    case mm::VmaKind::Heap: return "[heap]";
    case mm::VmaKind::Stack: return mapping.name.is_empty() ? std::string_view("[stack]") : mapping.name.view();
    default: return mapping.name.view();
    }
}

}  // namespace

Result<void> append_maps_line(TextBuilder& out, const base::Vector<Mapping>& mappings, std::size_t index,
                              MapsCursor& cursor) {
    const Mapping& mapping = mappings[index];
    bool is_file = mapping.kind == mm::VmaKind::File;
    const Mapping* previous = index > 0 ? &mappings[index - 1] : nullptr;
    if (mapping.shared_memory) {
        cursor.offset = mapping.offset;
        cursor.dev = mapping.shared_dev, cursor.ino = mapping.shared_ino;
    } else if (mapping.file) {
        cursor.offset = mapping.offset;
        auto s = mapping.file->stat();
        cursor.dev = s.is_error() ? 0 : s.value().dev;
        cursor.ino = s.is_error() ? 0 : s.value().ino;
    } else if (is_file && previous && previous->kind == mm::VmaKind::File && !previous->file &&
               previous->end == mapping.start && previous->name.view() == mapping.name.view()) {
        // The loader maps a program or library as one span and splits
        // it by segment protection, so along a run of its pieces the
        // offset grows with the address, as the ELF layout has it.
        cursor.offset += previous->end - previous->start;
    } else {
        cursor.offset = 0;
        FileIdentity identity = is_file ? identity_of(mapping.name.view()) : FileIdentity{};
        cursor.dev = identity.dev, cursor.ino = identity.ino;
    }
    std::size_t line_start = out.size();
    TRY(out.appendf("%08lx-%08lx %c%c%c%c %08lx %02lx:%02lx %lu ", mapping.start, mapping.end,
                    (mapping.prot & PROT_READ) ? 'r' : '-', (mapping.prot & PROT_WRITE) ? 'w' : '-',
                    (mapping.prot & PROT_EXEC) ? 'x' : '-', mapping.shared ? 's' : 'p', cursor.offset,
                    major_of(cursor.dev), minor_of(cursor.dev), cursor.ino));
    return append_name_column(out, line_start, display_name(mapping));
}

Result<void> append_name_column(TextBuilder& out, std::size_t line_start, std::string_view name) {
    if (!name.empty()) {
        std::size_t written = out.size() - line_start;
        if (written < kNameColumn) TRY(out.append_spaces(kNameColumn - written));
        TRY(out.append(' '));
        TRY(out.append(name));
    }
    return out.append('\n');
}

Result<void> generate_maps(const Subject& subject, TextBuilder& out) {
    TRY(find_live_process(subject.pid));
    base::Vector<Mapping> mappings = TRY(mappings_of(subject.pid));
    MapsCursor cursor;
    for (std::size_t i = 0; i < mappings.size(); ++i) TRY(append_maps_line(out, mappings, i, cursor));
    return {};
}

}  // namespace cella::fs::procfs
