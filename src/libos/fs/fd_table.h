#pragma once
// A process's file descriptors: slots pointing at shared open file
// descriptions, each with its own close-on-exec bit.
#include "libos/base/lock.h"
#include "libos/base/vector.h"
#include "open_file.h"

namespace cella::fs {

class FdTable {
public:
    static constexpr int kDefaultLimit = 1024;

    FdTable() = default;
    FdTable(const FdTable&) = delete;
    FdTable& operator=(const FdTable&) = delete;
    ~FdTable();

    // The lowest free fd >= min_fd (EMFILE past the limit).
    Result<int> install(RefPtr<OpenFile> file, bool cloexec, int min_fd = 0);
    // Puts `file` at exactly `fd`, closing what was there.
    Result<void> install_at(int fd, RefPtr<OpenFile> file, bool cloexec);
    Result<RefPtr<OpenFile>> get(int fd);
    Result<void> close(int fd);
    // close_range(): closes, or marks close-on-exec, fds first..last.
    void close_range(int first, int last, bool cloexec_only);
    // execve: closes every fd marked close-on-exec.
    void close_on_exec();
    // A new process's table: the same open file descriptions at the same
    // numbers, with the same close-on-exec bits (`other` is not this).
    Result<void> copy_from(FdTable& other);
    // Process exit: every fd closes.
    void close_all();
    Result<bool> cloexec(int fd);
    Result<void> set_cloexec(int fd, bool cloexec);
    int limit() const { return __atomic_load_n(&limit_, __ATOMIC_RELAXED); }
    // RLIMIT_NOFILE: fds at or above it cannot be made (open ones stay).
    void set_limit(int limit) { __atomic_store_n(&limit_, limit, __ATOMIC_RELAXED); }
    // How many files this process holds POSIX record locks on (fs/locks
    // keeps the count): a close has locks to release only when it is not 0.
    std::uint32_t& posix_locked_files() { return posix_locked_files_; }
    // Visits every open fd in ascending order, under the table's lock: the
    // callback must not call back into this table.
    template <typename F>
    void for_each(F&& visit) {
        base::ScopedLock guard(lock_);
        for (std::size_t fd = 0; fd < slots_.size(); ++fd)
            if (slots_[fd].file) visit(static_cast<int>(fd), *slots_[fd].file);
    }

private:
    struct Slot {
        RefPtr<OpenFile> file;
        bool cloexec = false;
    };
    base::Mutex lock_;
    // A process that closes any fd of a file loses its POSIX locks on it.
    void closed(OpenFile& file);
    void release_all(base::Vector<RefPtr<OpenFile>>& files);

    base::Vector<Slot> slots_;
    int limit_ = kDefaultLimit;
    std::uint32_t posix_locked_files_ = 0;
};

}  // namespace cella::fs
