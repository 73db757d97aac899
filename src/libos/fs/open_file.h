#pragma once
// An open file description: what an fd points at, shared by dup'ed fds.
// It holds the offset and the status flags (O_APPEND, O_NONBLOCK, ...).
#include <cstdint>
#include <span>

#include "async_owner.h"
#include "inode.h"
#include "libos/ipc/waitable.h"
#include "libos/base/lock.h"
#include "libos/base/string.h"

namespace cella::fs {

// Kinds of open file a syscall may need to tell apart (there is no RTTI).
enum class FileKind { Other, Epoll, MessageQueue, Pipe, EventFd, PidFd, Inotify, TimerFd, SignalFd, SecretMem, Socket,
                      HostSocket };

class OpenFile : public base::RefCounted<OpenFile> {
public:
    // O_NOCTTY reaches Inode::open (a terminal acts on it) but is no status flag.
    explicit OpenFile(int flags) : flags_(flags & ~0400 /* O_NOCTTY */) {}
    virtual ~OpenFile();

    virtual Result<std::size_t> read(std::span<std::uint8_t> out);
    virtual Result<std::size_t> write(std::span<const std::uint8_t> data);
    virtual Result<std::size_t> pread(std::span<std::uint8_t> out, std::uint64_t offset);
    virtual Result<std::size_t> pwrite(std::span<const std::uint8_t> data, std::uint64_t offset);
    virtual Result<std::int64_t> seek(std::int64_t offset, int whence);
    virtual Result<FileStat> stat();
    // `arg` is the application's third argument, still unchecked.
    virtual Result<long> ioctl(unsigned long request, std::uint64_t arg);
    // Fills `out` with linux_dirent64 records; 0 at the end.
    virtual Result<std::size_t> getdents64(std::span<std::uint8_t> out);
    virtual Inode* inode() { return nullptr; }
    virtual FileKind kind() const { return FileKind::Other; }

    // Readiness for poll/select/epoll: POLL* bits that hold now, and the
    // Waitable that is notified when they may have changed (nullptr: the
    // file is always ready, or is polled at the host).
    virtual std::uint32_t poll_events() { return 0x1 | 0x4; /* POLLIN | POLLOUT */ }
    virtual ipc::Waitable* waitable() { return nullptr; }
    // A host fd that poll must ask the host about, or -1.
    virtual int host_fd() { return -1; }
    // Whether the file can signal its owner when it becomes ready (Linux's
    // f_op->fasync); only then may FIOASYNC change O_ASYNC.
    virtual bool accepts_async() const { return false; }
    // O_ASYNC turned on or off through `fd`: a file that accepts it joins
    // or leaves its object's list of files to signal (ipc/async_signals).
    virtual Result<void> set_async(bool on, int fd) {
        (void)on;
        (void)fd;
        return {};
    }
    // F_SETOWN/F_SETOWN_EX/F_SETSIG: whom O_ASYNC signals, and with what.
    AsyncOwner async_owner() const {
        base::ScopedLock guard(owner_lock_);
        return owner_;
    }
    void set_async_owner(const AsyncOwner& owner) {
        base::ScopedLock guard(owner_lock_);
        owner_ = owner;
    }
    // fcntl commands particular to a kind of file (F_GETPIPE_SZ, ...).
    virtual Result<long> fcntl_special(int command, std::uint64_t arg);

    int flags() const { return flags_; }
    int access_mode() const { return flags_ & 3; }
    // An O_PATH description only names its file: no data moves through it.
    bool path_only() const { return flags_ & kPathOnly; }
    bool readable() const { return access_mode() != 1 && !path_only(); }  // not O_WRONLY
    bool writable() const { return access_mode() != 0 && !path_only(); }  // O_WRONLY or O_RDWR
    void set_status_flags(int flags);
    const base::String& path() const { return path_; }
    Result<void> set_path(std::string_view path);

    // Set by fs/locks (under its lock) once this description holds a flock
    // or OFD lock: the last close then releases them.
    bool holds_locks() const { return holds_locks_; }
    void set_holds_locks() { holds_locks_ = true; }

protected:
    static constexpr int kPathOnly = 010000000;  // O_PATH
    int flags_;
    base::String path_;

private:
    bool holds_locks_ = false;
    mutable base::SpinLock owner_lock_;
    AsyncOwner owner_;
};

// Regular files and directories of any file system, served through Inode.
class InodeFile final : public OpenFile {
public:
    InodeFile(RefPtr<Inode> inode, int flags) : OpenFile(flags), inode_(static_cast<RefPtr<Inode>&&>(inode)) {}
    // The last close: IN_CLOSE_WRITE or IN_CLOSE_NOWRITE for inotify.
    ~InodeFile() override;

    Result<std::size_t> read(std::span<std::uint8_t> out) override;
    Result<std::size_t> write(std::span<const std::uint8_t> data) override;
    Result<std::size_t> pread(std::span<std::uint8_t> out, std::uint64_t offset) override;
    Result<std::size_t> pwrite(std::span<const std::uint8_t> data, std::uint64_t offset) override;
    Result<std::int64_t> seek(std::int64_t offset, int whence) override;
    Result<FileStat> stat() override { return inode_->stat(); }
    Result<std::size_t> getdents64(std::span<std::uint8_t> out) override;
    Result<long> ioctl(unsigned long request, std::uint64_t arg) override;
    Inode* inode() override { return inode_.get(); }
    Result<long> fcntl_special(int command, std::uint64_t arg) override {
        return inode_->fcntl_special(command, arg, *this);
    }

private:
    RefPtr<Inode> inode_;
    base::Mutex lock_;          // serialises offset updates
    std::uint64_t offset_ = 0;  // bytes for files, entry index for directories
};

}  // namespace cella::fs
