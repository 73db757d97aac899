// The io_uring request table and completion checks (libos/net/uring),
// compiled for the host: what a host could post into the completion ring
// that must be refused or turned into EIO.
#include <errno.h>
#include <gtest/gtest.h>

#include "libos/net/uring/requests.h"

namespace cella::net::uring {
namespace {

TEST(UringRequests, ACompletionFinishesItsRequestOnce) {
    RequestTable table;
    std::uint32_t slot = table.claim(Op::Receive, 100).value();
    std::uint64_t user_data = table.expect(slot, Part::Operation);
    EXPECT_FALSE(table.finished(slot));
    Checked checked = table.complete(user_data, 42);
    EXPECT_EQ(checked.verdict, Verdict::Finished);
    EXPECT_EQ(checked.slot, slot);
    EXPECT_TRUE(table.finished(slot));
    EXPECT_EQ(table.result(slot), 42);
    // The same completion again is not for anything outstanding.
    EXPECT_EQ(table.complete(user_data, 42).verdict, Verdict::Refused);
}

TEST(UringRequests, CountsAboveWhatWasAskedAreEio) {
    RequestTable table;
    std::uint32_t slot = table.claim(Op::Send, 100).value();
    table.complete(table.expect(slot, Part::Operation), 101);
    EXPECT_EQ(table.result(slot), -EIO);
    EXPECT_EQ(checked_result(Op::Receive, 100, 100), 100);
    EXPECT_EQ(checked_result(Op::Receive, 100, -EAGAIN), -EAGAIN);
    EXPECT_EQ(checked_result(Op::Receive, 100, -5000), -EIO);
    EXPECT_EQ(checked_result(Op::Connect, 0, 3), -EIO);
    EXPECT_EQ(checked_result(Op::Connect, 0, -ECONNREFUSED), -ECONNREFUSED);
    EXPECT_EQ(checked_result(Op::Accept, 0, 7), 7);
    EXPECT_EQ(checked_result(Op::Accept, 0, -2147483647 - 1), -EIO);
}

TEST(UringRequests, UnknownSlotsPartsAndGenerationsAreRefused) {
    RequestTable table;
    std::uint32_t slot = table.claim(Op::Receive, 10).value();
    std::uint64_t user_data = table.expect(slot, Part::Operation);
    // A slot index out of range, a part never submitted, a part number
    // that does not exist, a stale generation.
    EXPECT_EQ(table.complete((user_data & ~0xffffull) | kSlots, 1).verdict, Verdict::Refused);
    EXPECT_EQ(table.complete(user_data | (1ull << 16), 0).verdict, Verdict::Refused);
    EXPECT_EQ(table.complete(user_data | (7ull << 16), 0).verdict, Verdict::Refused);
    EXPECT_EQ(table.complete(user_data + (1ull << 32), 1).verdict, Verdict::Refused);
    EXPECT_FALSE(table.finished(slot));
    EXPECT_EQ(table.complete(user_data, 1).verdict, Verdict::Finished);
    table.release(slot);
    // The slot is reused with a new generation: the old user_data is stale.
    std::uint32_t again = table.claim(Op::Receive, 10).value();
    EXPECT_EQ(again, slot);
    std::uint64_t fresh = table.expect(again, Part::Operation);
    EXPECT_NE(fresh, user_data);
    EXPECT_EQ(table.complete(user_data, 1).verdict, Verdict::Refused);
    // A free slot takes no completion at all.
    table.complete(fresh, 1);
    table.release(again);
    EXPECT_EQ(table.complete(fresh, 1).verdict, Verdict::Refused);
}

TEST(UringRequests, ASlotWithCompletionsOwedIsNeverReused) {
    RequestTable table;
    std::uint32_t slot = table.claim(Op::Send, 10).value();
    std::uint64_t operation = table.expect(slot, Part::Operation);
    std::uint64_t timeout = table.expect(slot, Part::Timeout);
    EXPECT_EQ(table.complete(operation, -ECANCELED).verdict, Verdict::Progress);
    table.release(slot);  // too early: the timeout's completion is owed
    EXPECT_EQ(table.in_use(), 1u);
    EXPECT_EQ(table.complete(timeout, -ETIME).verdict, Verdict::Finished);
    EXPECT_EQ(table.timeout_result(slot), -ETIME);
    EXPECT_EQ(table.result(slot), -ECANCELED);
    table.release(slot);
    EXPECT_EQ(table.in_use(), 0u);
}

TEST(UringRequests, TimeoutsAndCancelsNeverReportCounts) {
    RequestTable table;
    std::uint32_t slot = table.claim(Op::Receive, 10).value();
    table.expect(slot, Part::Operation);
    std::uint64_t timeout = table.expect(slot, Part::Timeout);
    table.complete(timeout, 5);
    EXPECT_EQ(table.timeout_result(slot), -EIO);
}

TEST(UringRequests, AllSlotsTakenIsEagain) {
    RequestTable table;
    for (std::uint32_t i = 0; i < kSlots; ++i) EXPECT_FALSE(table.claim(Op::Send, 1).is_error());
    auto full = table.claim(Op::Send, 1);
    ASSERT_TRUE(full.is_error());
    EXPECT_EQ(full.error().code(), EAGAIN);
}

}  // namespace
}  // namespace cella::net::uring
