// The `sim` platform's io_uring: io_uring_setup and the three mmaps of its
// parts, and anonymous host memory for the ring's buffers. In sim all of
// it lies in the `cella run` process, outside the enclave's range; on SGX
// it would be untrusted memory outside the enclave.
#include <asm/unistd.h>
#include <linux/io_uring.h>
#include <linux/mman.h>

#include "checked.h"
#include "libos/host/host.h"
#include "libos/host/host_uring.h"
#include "raw_syscall.h"

namespace cella::host {
namespace {

using base::Error;
using sim::checked;
using sim::raw_syscall;

static_assert(sizeof(io_uring_params) == sizeof(UringRegion::params), "io_uring_params as the LibOS reads it");

constexpr std::size_t kMaxPart = 64u << 20;

Result<std::uint8_t*> map(int fd, std::size_t size, std::uint64_t offset) {
    if (size == 0 || size > kMaxPart) return Error::from_errno(EIO);
    long address = TRY(checked(raw_syscall(__NR_mmap, 0, static_cast<long>(size), PROT_READ | PROT_WRITE,
                                           fd < 0 ? MAP_PRIVATE | MAP_ANONYMOUS : MAP_SHARED | MAP_POPULATE, fd,
                                           static_cast<long>(offset))));
    return reinterpret_cast<std::uint8_t*>(address);
}

void unmap(std::uint8_t* address, std::size_t size) {
    if (address) raw_syscall(__NR_munmap, reinterpret_cast<long>(address), static_cast<long>(size));
}

void release(UringRegion& region) {
    unmap(region.sq_ring, region.sq_ring_size);
    unmap(region.cq_ring, region.cq_ring_size);
    unmap(region.sqes, region.sqes_size);
    unmap(region.buffers, region.buffers_size);
    if (region.fd >= 0) raw_syscall(__NR_close, region.fd);
}

Result<void> map_parts(UringRegion& region, const io_uring_params& params, std::size_t buffer_bytes) {
    region.sq_ring_size = params.sq_off.array + params.sq_entries * sizeof(std::uint32_t);
    region.cq_ring_size = params.cq_off.cqes + params.cq_entries * sizeof(io_uring_cqe);
    region.sqes_size = params.sq_entries * sizeof(io_uring_sqe);
    region.sq_ring = TRY(map(region.fd, region.sq_ring_size, IORING_OFF_SQ_RING));
    region.cq_ring = TRY(map(region.fd, region.cq_ring_size, IORING_OFF_CQ_RING));
    region.sqes = TRY(map(region.fd, region.sqes_size, IORING_OFF_SQES));
    region.buffers = TRY(map(-1, buffer_bytes, 0));
    region.buffers_size = buffer_bytes;
    return {};
}

}  // namespace

Result<UringRegion> uring_setup(std::uint32_t entries, bool sqpoll, std::size_t buffer_bytes) {
    io_uring_params params{};
    // The ring's submissions are the LibOS's only: no IORING_SETUP_SQ_AFF,
    // and completions never overflow into the kernel's backlog unseen.
    params.flags = IORING_SETUP_CQSIZE | (sqpoll ? IORING_SETUP_SQPOLL : 0);
    params.cq_entries = entries * 2;
    if (sqpoll) params.sq_thread_idle = 50;
    UringRegion region;
    long fd = raw_syscall(__NR_io_uring_setup, entries, reinterpret_cast<long>(&params));
    region.fd = static_cast<int>(TRY(checked(fd)));
    auto mapped = map_parts(region, params, buffer_bytes);
    if (mapped.is_error()) {
        release(region);
        return mapped.error();
    }
    __builtin_memcpy(region.params, &params, sizeof params);
    return region;
}

Result<std::uint32_t> uring_enter(int fd, std::uint32_t to_submit, std::uint32_t min_complete, std::uint32_t flags,
                                  bool may_block) {
    long result = may_block ? blocking_syscall(__NR_io_uring_enter, fd, to_submit, min_complete, flags, 0, 0)
                            : raw_syscall(__NR_io_uring_enter, fd, to_submit, min_complete, flags, 0, 0);
    long submitted = TRY(checked(result));
    if (static_cast<unsigned long>(submitted) > to_submit) return Error::from_errno(EIO);
    return static_cast<std::uint32_t>(submitted);
}

}  // namespace cella::host
