#pragma once
// eventfd: a 64-bit counter as a file. read takes the count (or one, in
// semaphore mode) and blocks at zero; write adds and blocks if the counter
// would pass 0xfffffffffffffffe.
#include <cstdint>

#include "libos/base/lock.h"
#include "libos/fs/open_file.h"
#include "waitable.h"

namespace cella::ipc {

class EventFd final : public fs::OpenFile {
public:
    EventFd(std::uint64_t initial, bool semaphore, int flags);

    base::Result<std::size_t> read(std::span<std::uint8_t> out) override;
    base::Result<std::size_t> write(std::span<const std::uint8_t> data) override;
    base::Result<fs::FileStat> stat() override;
    std::uint32_t poll_events() override;
    Waitable* waitable() override { return &changed_; }
    fs::FileKind kind() const override { return fs::FileKind::EventFd; }
    // Adds `n` without waiting, stopping at the maximum (Linux's
    // eventfd_signal, as AIO completions with IOCB_FLAG_RESFD use it).
    void signal(std::uint64_t n);

    // For /proc/PID/fdinfo: the counter now, the mode, and an id, numbered
    // from 0 in the order eventfds are made (Linux's eventfd-id).
    std::uint64_t count();
    bool semaphore() const { return semaphore_; }
    int id() const { return id_; }

private:
    base::Mutex lock_;
    std::uint64_t count_;
    bool semaphore_;
    int id_;
    Waitable changed_;
};

}  // namespace cella::ipc
