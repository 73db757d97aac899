#pragma once
// Where the fields of an io_uring ring lie in the host memory the host
// mapped, from the offsets io_uring_setup reported: each checked to lie
// inside its part and aligned, the sizes powers of two with the masks
// they imply, so that no index the LibOS computes reaches outside host
// memory whatever the host wrote. Read once; the LibOS keeps its own
// copies of entries and masks. Compiled for the host in the unit tests.
#include <cstdint>
#include <new>

#include "libos/base/result.h"
#include "libos/host/host_uring.h"

namespace cella::net::uring {

struct RingLayout {
    // Submission ring: the host's head; the LibOS's tail, flags and index array.
    std::uint32_t* sq_head = nullptr;
    std::uint32_t* sq_tail = nullptr;
    std::uint32_t* sq_flags = nullptr;
    std::uint32_t* sq_array = nullptr;
    std::uint32_t sq_entries = 0;
    std::uint8_t* sqes = nullptr;  // sq_entries of 64 bytes
    // Completion ring: the LibOS's head, the host's tail and entries.
    std::uint32_t* cq_head = nullptr;
    std::uint32_t* cq_tail = nullptr;
    std::uint8_t* cqes = nullptr;  // cq_entries of 16 bytes
    std::uint32_t cq_entries = 0;
    std::uint32_t features = 0;
};

// The layout of `region`, which must offer at least `min_entries`
// submission entries and twice as many completion entries.
base::Result<RingLayout> ring_layout(const host::UringRegion& region, std::uint32_t min_entries);

}  // namespace cella::net::uring
