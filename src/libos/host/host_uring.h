#pragma once
// The host interface's io_uring part: one host call sets up a ring in
// host (untrusted) memory and maps it into the LibOS's view, with a pool
// of host buffers beside it for the data the ring's requests carry; one
// host call enters it (io_uring_enter). Everything in that memory is
// written by the host and read by the LibOS as untrusted: the layout the
// host reports is checked against the sizes it mapped
// (net/uring/ring_layout), every completion against the requests the
// LibOS has outstanding (net/uring/requests).
#include <cstddef>
#include <cstdint>

#include "libos/base/result.h"

namespace cella::host {

using base::Result;

// Where the host put each part and what io_uring_setup reported
// (struct io_uring_params, copied out of host memory).
struct UringRegion {
    int fd = -1;
    std::uint8_t* sq_ring = nullptr;
    std::size_t sq_ring_size = 0;
    std::uint8_t* cq_ring = nullptr;
    std::size_t cq_ring_size = 0;
    std::uint8_t* sqes = nullptr;
    std::size_t sqes_size = 0;
    std::uint8_t* buffers = nullptr;
    std::size_t buffers_size = 0;
    std::uint8_t params[120] = {};
};

// A ring of `entries` submission entries (the host may round up) and
// `buffer_bytes` of host buffers; `sqpoll`: a host kernel thread takes
// submissions (IORING_SETUP_SQPOLL). ENOSYS when the host has no io_uring.
Result<UringRegion> uring_setup(std::uint32_t entries, bool sqpoll, std::size_t buffer_bytes);
// io_uring_enter: submits up to `to_submit` and, with IORING_ENTER_GETEVENTS
// in `flags`, waits for `min_complete` completions; may_block: a kick ends
// the wait with EINTR. How many it submitted.
Result<std::uint32_t> uring_enter(int fd, std::uint32_t to_submit, std::uint32_t min_complete, std::uint32_t flags,
                                  bool may_block);

}  // namespace cella::host
