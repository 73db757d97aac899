#pragma once
// signalfd: the signals of a mask, taken as records by read instead of
// being delivered. As on Linux, a signalfd reads and polls the signals
// pending for the thread that uses it (its own and its process's), so a
// signalfd passed to another process sees that process's signals.
#include <cstdint>

#include "libos/fs/open_file.h"
#include "waitable.h"

namespace cella::ipc {

class SignalFd final : public fs::OpenFile {
public:
    SignalFd(std::uint64_t mask, int flags) : OpenFile(flags), mask_(mask) {}

    // SIGKILL and SIGSTOP are dropped from the mask, as Linux drops them.
    void set_mask(std::uint64_t mask);
    std::uint64_t mask() const { return __atomic_load_n(&mask_, __ATOMIC_RELAXED); }

    base::Result<std::size_t> read(std::span<std::uint8_t> out) override;
    base::Result<fs::FileStat> stat() override;
    std::uint32_t poll_events() override;
    Waitable* waitable() override;
    fs::FileKind kind() const override { return fs::FileKind::SignalFd; }

private:
    std::uint64_t mask_;
};

}  // namespace cella::ipc
