#pragma once
// The directories under /proc that list a process's changing parts:
// /proc/PID itself, its fd/, fdinfo/ and task/.
#include "nodes.h"

namespace cella::fs::procfs {

// /proc/PID (ENOENT if there is no such process).
Result<RefPtr<Inode>> make_process_directory(int pid);

// Entries named by fd number: fd/ has symlinks to what each fd has open,
// fdinfo/ files with each fd's position, flags and file.
class FdDirectory final : public ProcDirectory {
public:
    FdDirectory(Subject subject, std::uint64_t slot, bool info)
        : ProcDirectory(inode_number(subject, slot)), subject_(subject), info_(info) {}
    Result<RefPtr<Inode>> lookup(std::string_view name) override;
    Result<void> list(base::Vector<ListedEntry>& out) override;

private:
    std::uint64_t entry_ino(int fd) const { return inode_number(subject_, info_ ? fdinfo_slot(fd) : fd_slot(fd)); }

    Subject subject_;
    bool info_;  // fdinfo/ rather than fd/
};

// One directory per thread, named by tid.
class TaskDirectory final : public ProcDirectory {
public:
    TaskDirectory(Subject subject, std::uint64_t slot)
        : ProcDirectory(inode_number(subject, slot)), subject_(subject) {}
    Result<RefPtr<Inode>> lookup(std::string_view name) override;
    Result<void> list(base::Vector<ListedEntry>& out) override;

private:
    Subject subject_;
};

}  // namespace cella::fs::procfs
