#pragma once
// An open file backed by one of the host fds `cella run` passed in (the
// terminal or whatever the host's stdin/stdout/stderr are).
#include "open_file.h"

namespace cella::fs {

class HostStream final : public OpenFile {
public:
    HostStream(int host_fd, int flags) : OpenFile(flags), host_fd_(host_fd) {}

    Result<std::size_t> read(std::span<std::uint8_t> out) override;
    Result<std::size_t> write(std::span<const std::uint8_t> data) override;
    Result<FileStat> stat() override;
    Result<long> ioctl(unsigned long request, std::uint64_t arg) override;
    std::uint32_t poll_events() override;
    int host_fd() override { return host_fd_; }
    bool accepts_async() const override { return true; }

private:
    int host_fd_;
};

}  // namespace cella::fs
