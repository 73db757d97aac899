#include "fd_table.h"

#include <asm-generic/errno.h>

#include "libos/ipc/epoll.h"
#include "locks/file_locks.h"

namespace cella::fs {

using base::Error;

Result<int> FdTable::install(RefPtr<OpenFile> file, bool cloexec, int min_fd) {
    if (min_fd < 0 || min_fd >= limit()) return Error::from_errno(min_fd < 0 ? EINVAL : EMFILE);
    base::ScopedLock guard(lock_);
    std::size_t fd = static_cast<std::size_t>(min_fd);
    while (fd < slots_.size() && slots_[fd].file) ++fd;
    if (fd >= static_cast<std::size_t>(limit())) return Error::from_errno(EMFILE);
    if (fd >= slots_.size()) TRY(slots_.try_resize(fd + 1));
    slots_[fd] = Slot{file, cloexec};
    return static_cast<int>(fd);
}

FdTable::~FdTable() { locks::owner_gone(*this); }

// The caller holds one reference to `file`.
void FdTable::closed(OpenFile& file) {
    locks::file_closed_by(*this, file);
    ipc::forget_closed_file(file, 1);
}

// One by one, so that each sees only its own reference among those closed.
void FdTable::release_all(base::Vector<RefPtr<OpenFile>>& files) {
    for (RefPtr<OpenFile>& file : files) {
        RefPtr<OpenFile> held = static_cast<RefPtr<OpenFile>&&>(file);
        closed(*held);
    }
}

Result<void> FdTable::install_at(int fd, RefPtr<OpenFile> file, bool cloexec) {
    if (fd < 0 || fd >= limit()) return Error::from_errno(EBADF);
    RefPtr<OpenFile> previous;  // released after the lock is dropped
    {
        base::ScopedLock guard(lock_);
        if (static_cast<std::size_t>(fd) >= slots_.size()) TRY(slots_.try_resize(fd + 1));
        previous = slots_[fd].file;
        slots_[fd] = Slot{file, cloexec};
    }
    if (previous) closed(*previous);
    return {};
}

Result<RefPtr<OpenFile>> FdTable::get(int fd) {
    base::ScopedLock guard(lock_);
    if (fd < 0 || static_cast<std::size_t>(fd) >= slots_.size() || !slots_[fd].file)
        return Error::from_errno(EBADF);
    return slots_[fd].file;
}

Result<void> FdTable::close(int fd) {
    RefPtr<OpenFile> previous;
    {
        base::ScopedLock guard(lock_);
        if (fd < 0 || static_cast<std::size_t>(fd) >= slots_.size() || !slots_[fd].file)
            return Error::from_errno(EBADF);
        previous = slots_[fd].file;
        slots_[fd] = Slot{};
    }
    closed(*previous);
    return {};
}

void FdTable::close_range(int first, int last, bool cloexec_only) {
    base::Vector<RefPtr<OpenFile>> gone;  // released after the lock
    {
        base::ScopedLock guard(lock_);
        for (std::size_t fd = static_cast<std::size_t>(first);
             fd < slots_.size() && fd <= static_cast<std::size_t>(last); ++fd) {
            if (!slots_[fd].file) continue;
            if (cloexec_only) {
                slots_[fd].cloexec = true;
            } else {
                // Should the list not grow, the file still closes here,
                // and its POSIX locks wait for the process's exit.
                (void)gone.try_append(slots_[fd].file);
                slots_[fd] = Slot{};
            }
        }
    }
    release_all(gone);
}

void FdTable::close_on_exec() {
    base::Vector<RefPtr<OpenFile>> gone;  // released after the lock
    {
        base::ScopedLock guard(lock_);
        for (Slot& slot : slots_) {
            if (!slot.file || !slot.cloexec) continue;
            (void)gone.try_append(slot.file);
            slot = Slot{};
        }
    }
    release_all(gone);
}

Result<void> FdTable::copy_from(FdTable& other) {
    base::Vector<Slot> copy;
    {
        base::ScopedLock guard(other.lock_);
        TRY(copy.try_reserve(other.slots_.size()));
        for (const Slot& slot : other.slots_) TRY(copy.try_append(Slot{slot.file, slot.cloexec}));
        limit_ = other.limit_;
    }
    base::Vector<Slot> old;  // released after the lock
    base::ScopedLock guard(lock_);
    old = static_cast<base::Vector<Slot>&&>(slots_);
    slots_ = static_cast<base::Vector<Slot>&&>(copy);
    return {};
}

void FdTable::close_all() {
    base::Vector<Slot> gone;  // released after the lock
    {
        base::ScopedLock guard(lock_);
        gone = static_cast<base::Vector<Slot>&&>(slots_);
    }
    locks::owner_gone(*this);
    for (Slot& slot : gone) {
        RefPtr<OpenFile> file = static_cast<RefPtr<OpenFile>&&>(slot.file);
        if (file) ipc::forget_closed_file(*file, 1);
    }
}

Result<bool> FdTable::cloexec(int fd) {
    base::ScopedLock guard(lock_);
    if (fd < 0 || static_cast<std::size_t>(fd) >= slots_.size() || !slots_[fd].file)
        return Error::from_errno(EBADF);
    return slots_[fd].cloexec;
}

Result<void> FdTable::set_cloexec(int fd, bool cloexec) {
    base::ScopedLock guard(lock_);
    if (fd < 0 || static_cast<std::size_t>(fd) >= slots_.size() || !slots_[fd].file)
        return Error::from_errno(EBADF);
    slots_[fd].cloexec = cloexec;
    return {};
}

}  // namespace cella::fs
