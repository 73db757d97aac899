#pragma once
// The directories under /proc that list a process's changing parts:
// /proc/PID itself, its fd/ and its task/.
#include "nodes.h"

namespace cella::fs::procfs {

// /proc/PID (ENOENT if there is no such process).
Result<RefPtr<Inode>> make_process_directory(int pid);

// Symlinks named by fd number to what each fd has open.
class FdDirectory final : public ProcDirectory {
public:
    FdDirectory(Subject subject, std::uint64_t slot)
        : ProcDirectory(inode_number(subject, slot)), subject_(subject) {}
    Result<RefPtr<Inode>> lookup(std::string_view name) override;
    Result<void> list(base::Vector<ListedEntry>& out) override;

private:
    Subject subject_;
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
