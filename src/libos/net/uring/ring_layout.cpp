#include "ring_layout.h"

#include <asm-generic/errno.h>
#include <linux/io_uring.h>

namespace cella::net::uring {
namespace {

using base::Error;

constexpr std::uint32_t kMaxEntries = 32768;

bool power_of_two(std::uint32_t n) { return n && !(n & (n - 1)); }

// `count` items of `size` bytes at `offset` lie inside a part of `part_size`
// bytes, aligned for `align`.
bool inside(std::uint64_t offset, std::uint64_t count, std::uint64_t size, std::uint64_t part_size,
            std::uint64_t align) {
    return offset % align == 0 && offset <= part_size && count * size <= part_size - offset;
}

template <typename T>
T* at(std::uint8_t* base, std::uint32_t offset) {
    return reinterpret_cast<T*>(base + offset);
}

}  // namespace

base::Result<RingLayout> ring_layout(const host::UringRegion& region, std::uint32_t min_entries) {
    io_uring_params params;
    static_assert(sizeof params == sizeof region.params);
    __builtin_memcpy(&params, region.params, sizeof params);
    const io_sqring_offsets& sq = params.sq_off;
    const io_cqring_offsets& cq = params.cq_off;
    if (!region.sq_ring || !region.cq_ring || !region.sqes) return Error::from_errno(EIO);
    if (!power_of_two(params.sq_entries) || !power_of_two(params.cq_entries) || params.sq_entries > kMaxEntries ||
        params.cq_entries > 2 * kMaxEntries || params.sq_entries < min_entries ||
        params.cq_entries < 2 * min_entries)
        return Error::from_errno(EIO);
    std::size_t sq_size = region.sq_ring_size, cq_size = region.cq_ring_size;
    bool fits = inside(sq.head, 1, 4, sq_size, 4) && inside(sq.tail, 1, 4, sq_size, 4) &&
                inside(sq.ring_mask, 1, 4, sq_size, 4) && inside(sq.flags, 1, 4, sq_size, 4) &&
                inside(sq.array, params.sq_entries, 4, sq_size, 4) && inside(cq.head, 1, 4, cq_size, 4) &&
                inside(cq.tail, 1, 4, cq_size, 4) && inside(cq.ring_mask, 1, 4, cq_size, 4) &&
                inside(cq.cqes, params.cq_entries, sizeof(io_uring_cqe), cq_size, 8) &&
                inside(0, params.sq_entries, sizeof(io_uring_sqe), region.sqes_size, 1);
    if (!fits) return Error::from_errno(EIO);
    // The masks in host memory must agree with the sizes; the LibOS never
    // reads them again.
    if (*at<std::uint32_t>(region.sq_ring, sq.ring_mask) != params.sq_entries - 1 ||
        *at<std::uint32_t>(region.cq_ring, cq.ring_mask) != params.cq_entries - 1)
        return Error::from_errno(EIO);
    RingLayout layout;
    layout.sq_head = at<std::uint32_t>(region.sq_ring, sq.head);
    layout.sq_tail = at<std::uint32_t>(region.sq_ring, sq.tail);
    layout.sq_flags = at<std::uint32_t>(region.sq_ring, sq.flags);
    layout.sq_array = at<std::uint32_t>(region.sq_ring, sq.array);
    layout.sq_entries = params.sq_entries;
    layout.sqes = region.sqes;
    layout.cq_head = at<std::uint32_t>(region.cq_ring, cq.head);
    layout.cq_tail = at<std::uint32_t>(region.cq_ring, cq.tail);
    layout.cqes = at<std::uint8_t>(region.cq_ring, cq.cqes);
    layout.cq_entries = params.cq_entries;
    layout.features = params.features;
    return layout;
}

}  // namespace cella::net::uring
