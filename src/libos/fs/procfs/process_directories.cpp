#include "process_directories.h"

#include <asm-generic/errno.h>

#include "entry_tables.h"
#include "libos/fs/open_file.h"
#include "fd_info.h"
#include "process_files.h"
#include "process_info.h"
#include "table_directory.h"

namespace cella::fs::procfs {

using base::Error;

Result<RefPtr<Inode>> make_process_directory(int pid) {
    TRY(find_live_process(pid));
    return make_node<TableDirectory>(Subject{pid, 0, -1}, 0, process_entries());
}

Result<RefPtr<Inode>> FdDirectory::lookup(std::string_view name) {
    std::optional<int> fd = parse_id(name);
    if (!fd) return Error::from_errno(ENOENT);
    auto process = TRY(find_live_process(subject_.pid));
    auto file = process->fds().get(*fd);
    if (file.is_error()) return Error::from_errno(ENOENT);
    Subject entry = subject_;
    entry.fd = *fd;
    if (info_) return make_node<GeneratedFile>(entry_ino(*fd), entry, generate_fdinfo);
    // Linux gives the link the access the fd has: r-x for reading, -wx for writing.
    std::uint32_t permissions = (file.value()->readable() ? 0500 : 0) | (file.value()->writable() ? 0300 : 0);
    return make_node<GeneratedSymlink>(entry_ino(*fd), entry, fd_link_target, permissions, fd_link_file);
}

Result<void> FdDirectory::list(base::Vector<ListedEntry>& out) {
    auto process = TRY(find_live_process(subject_.pid));
    base::Vector<int> fds = TRY(open_fds(*process));
    for (int fd : fds)
        TRY(out.try_append(ListedEntry{TRY(id_name(fd)), entry_ino(fd), info_ ? kTypeRegular : kTypeSymlink}));
    return {};
}

Result<RefPtr<Inode>> TaskDirectory::lookup(std::string_view name) {
    std::optional<int> tid = parse_id(name);
    if (!tid || *tid == 0) return Error::from_errno(ENOENT);
    Subject thread{subject_.pid, *tid, -1};
    TRY(check_alive(thread));
    return make_node<TableDirectory>(thread, 0, thread_entries());
}

Result<void> TaskDirectory::list(base::Vector<ListedEntry>& out) {
    auto process = TRY(find_live_process(subject_.pid));
    base::Vector<int> tids = TRY(thread_ids(*process));
    for (int tid : tids)
        TRY(out.try_append(ListedEntry{TRY(id_name(tid)), inode_number(Subject{subject_.pid, tid, -1}, 0),
                                       kTypeDirectory}));
    return {};
}

}  // namespace cella::fs::procfs
