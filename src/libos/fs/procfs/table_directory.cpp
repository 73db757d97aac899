#include "table_directory.h"

#include <asm-generic/errno.h>

#include "libos/base/panic.h"
#include "process_directories.h"
#include "process_info.h"

namespace cella::fs::procfs {
namespace {

using base::Error;

std::uint8_t type_of(EntryKind kind) {
    switch (kind) {
    case EntryKind::File: return kTypeRegular;
    case EntryKind::Symlink: return kTypeSymlink;
    case EntryKind::Directory:
    case EntryKind::FdDirectory:
    case EntryKind::FdInfoDirectory:
    case EntryKind::TaskDirectory: return kTypeDirectory;
    }
    return 0;
}

}  // namespace

TableDirectory::TableDirectory(Subject subject, std::uint64_t slot, std::span<const EntrySpec> entries)
    : ProcDirectory(inode_number(subject, slot)), subject_(subject), slot_(slot), entries_(entries) {
    CELLA_ASSERT(entries_.size() < kSlotFanout);
}

Result<RefPtr<Inode>> TableDirectory::make_entry(std::size_t index) {
    const EntrySpec& spec = entries_[index];
    std::uint64_t slot = child_slot(slot_, index);
    std::uint64_t ino = inode_number(subject_, slot);
    switch (spec.kind) {
    case EntryKind::File:
        return make_node<GeneratedFile>(ino, subject_, spec.generate, spec.write,
                                        spec.permissions ? spec.permissions : spec.write ? 0644u : 0444u);
    case EntryKind::Symlink:
        return make_node<GeneratedSymlink>(ino, subject_, spec.generate, spec.permissions ? spec.permissions : 0777u);
    case EntryKind::Directory: return make_node<TableDirectory>(subject_, slot, spec.children);
    case EntryKind::FdDirectory: return make_node<FdDirectory>(subject_, slot, false);
    case EntryKind::FdInfoDirectory: return make_node<FdDirectory>(subject_, slot, true);
    case EntryKind::TaskDirectory: return make_node<TaskDirectory>(subject_, slot);
    }
    return Error::from_errno(EIO);
}

Result<RefPtr<Inode>> TableDirectory::lookup(std::string_view name) {
    TRY(check_alive(subject_));
    for (std::size_t i = 0; i < entries_.size(); ++i)
        if (entries_[i].name == name) return make_entry(i);
    return Error::from_errno(ENOENT);
}

Result<void> TableDirectory::list(base::Vector<ListedEntry>& out) {
    TRY(check_alive(subject_));
    for (std::size_t i = 0; i < entries_.size(); ++i) {
        const EntrySpec& spec = entries_[i];
        TRY(out.try_append(ListedEntry{TRY(base::String::from(spec.name)), inode_number(subject_, child_slot(slot_, i)),
                                       type_of(spec.kind)}));
    }
    return {};
}

}  // namespace cella::fs::procfs
