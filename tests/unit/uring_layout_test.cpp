// The io_uring ring layout check (libos/net/uring/ring_layout), compiled
// for the host: offsets and sizes a host could report that would put a
// field or an entry outside the memory it mapped.
#include <gtest/gtest.h>
#include <linux/io_uring.h>

#include <cstring>
#include <vector>

#include "libos/net/uring/ring_layout.h"

namespace cella::net::uring {
namespace {

// A consistent layout of 64 entries in memory the test owns.
struct FakeRing {
    std::vector<std::uint8_t> sq = std::vector<std::uint8_t>(64 + 64 * 4);
    std::vector<std::uint8_t> cq = std::vector<std::uint8_t>(64 + 128 * 16);
    std::vector<std::uint8_t> sqes = std::vector<std::uint8_t>(64 * 64);
    io_uring_params params{};

    FakeRing() {
        params.sq_entries = 64;
        params.cq_entries = 128;
        params.sq_off = {0, 4, 8, 12, 16, 20, 64, 0, 0};
        params.cq_off = {0, 4, 8, 12, 16, 64, 20, 0, 0};
        set_masks(63, 127);
    }
    void set_masks(std::uint32_t sq_mask, std::uint32_t cq_mask) {
        std::memcpy(sq.data() + 8, &sq_mask, 4);
        std::memcpy(cq.data() + 8, &cq_mask, 4);
    }
    host::UringRegion region() {
        host::UringRegion region;
        region.sq_ring = sq.data();
        region.sq_ring_size = sq.size();
        region.cq_ring = cq.data();
        region.cq_ring_size = cq.size();
        region.sqes = sqes.data();
        region.sqes_size = sqes.size();
        std::memcpy(region.params, &params, sizeof params);
        return region;
    }
};

TEST(UringLayout, AConsistentLayoutIsAccepted) {
    FakeRing ring;
    auto layout = ring_layout(ring.region(), 64);
    ASSERT_FALSE(layout.is_error());
    EXPECT_EQ(layout.value().sq_entries, 64u);
    EXPECT_EQ(layout.value().cq_entries, 128u);
    EXPECT_EQ(reinterpret_cast<std::uint8_t*>(layout.value().sq_array), ring.sq.data() + 64);
    EXPECT_EQ(layout.value().cqes, ring.cq.data() + 64);
}

TEST(UringLayout, FieldsOutsideTheMappingAreRefused) {
    FakeRing array_past_end;
    array_past_end.params.sq_off.array = 128;  // 64 entries of 4 bytes would end at 384 > 320
    EXPECT_TRUE(ring_layout(array_past_end.region(), 64).is_error());
    FakeRing cqes_past_end;
    cqes_past_end.params.cq_off.cqes = 72;
    EXPECT_TRUE(ring_layout(cqes_past_end.region(), 64).is_error());
    FakeRing head_far_away;
    head_far_away.params.sq_off.head = 0xfffffff0u;
    EXPECT_TRUE(ring_layout(head_far_away.region(), 64).is_error());
    FakeRing misaligned;
    misaligned.params.cq_off.tail = 6;
    EXPECT_TRUE(ring_layout(misaligned.region(), 64).is_error());
    FakeRing few_sqes;
    auto region = few_sqes.region();
    region.sqes_size = 63 * 64;
    EXPECT_TRUE(ring_layout(region, 64).is_error());
}

TEST(UringLayout, SizesMustBePowersOfTwoWithMatchingMasks) {
    FakeRing odd;
    odd.params.sq_entries = 48;
    EXPECT_TRUE(ring_layout(odd.region(), 32).is_error());
    FakeRing wrong_mask;
    wrong_mask.set_masks(0xffffffff, 127);
    EXPECT_TRUE(ring_layout(wrong_mask.region(), 64).is_error());
    FakeRing small;
    EXPECT_TRUE(ring_layout(small.region(), 128).is_error());  // fewer entries than needed
}

}  // namespace
}  // namespace cella::net::uring
