// The pure parts of the file-lock subsystem and of ramfs directories,
// compiled for the host: byte-range lock lists and the directory index.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "libos/fs/locks/record_locks.h"
#include "libos/fs/ramfs/directory_index.h"

namespace cella::fs {
namespace {

using locks::kToEnd;
using locks::LockOwner;
using locks::LockType;
using locks::RecordLockList;

constexpr LockOwner kA{1, false}, kB{2, false}, kOfd{1, true};

std::string describe(const RecordLockList& list) {
    std::string out;
    for (std::size_t i = 0; i < list.size(); ++i) {
        const auto& lock = list[i];
        out += std::to_string(lock.owner.id) + (lock.owner.ofd ? "o" : "") +
               (lock.type == LockType::Write ? "W" : "R") + std::to_string(lock.start) + "-" +
               (lock.end == kToEnd ? std::string("end") : std::to_string(lock.end)) + " ";
    }
    return out;
}

TEST(RecordLocks, MergesTouchingLocksOfOneTypeAndOwner) {
    RecordLockList list;
    ASSERT_FALSE(list.apply(kA, 10, LockType::Write, 0, 9).is_error());
    ASSERT_FALSE(list.apply(kA, 10, LockType::Write, 10, 19).is_error());
    ASSERT_FALSE(list.apply(kA, 10, LockType::Write, 30, 39).is_error());
    EXPECT_EQ(describe(list), "1W0-19 1W30-39 ");
    ASSERT_FALSE(list.apply(kA, 10, LockType::Write, 15, 35).is_error());
    EXPECT_EQ(describe(list), "1W0-39 ");
    // Another owner's touching lock stays apart.
    ASSERT_FALSE(list.apply(kB, 11, LockType::Read, 40, kToEnd).is_error());
    EXPECT_EQ(describe(list), "1W0-39 2R40-end ");
}

TEST(RecordLocks, SplitsOnUnlockAndTypeChange) {
    RecordLockList list;
    ASSERT_FALSE(list.apply(kA, 10, LockType::Write, 0, 99).is_error());
    ASSERT_FALSE(list.apply(kA, 10, std::nullopt, 40, 49).is_error());
    EXPECT_EQ(describe(list), "1W0-39 1W50-99 ");
    ASSERT_FALSE(list.apply(kA, 10, LockType::Read, 20, 59).is_error());
    EXPECT_EQ(describe(list), "1W0-19 1R20-59 1W60-99 ");
    ASSERT_FALSE(list.apply(kA, 10, std::nullopt, 0, kToEnd).is_error());
    EXPECT_TRUE(list.is_empty());
}

TEST(RecordLocks, ConflictsOnlyWithOtherOwnersAndWrites) {
    RecordLockList list;
    ASSERT_FALSE(list.apply(kA, 10, LockType::Read, 0, 9).is_error());
    ASSERT_FALSE(list.apply(kOfd, 10, LockType::Write, 20, 29).is_error());
    EXPECT_EQ(list.find_conflict(kA, LockType::Write, 0, 100)->owner, kOfd);  // OFD and POSIX of one process differ
    EXPECT_EQ(list.find_conflict(kB, LockType::Read, 0, 19), nullptr);
    EXPECT_EQ(list.find_conflict(kB, LockType::Write, 5, 5)->owner, kA);
    EXPECT_EQ(list.find_conflict(kB, LockType::Read, 29, kToEnd)->owner, kOfd);
    EXPECT_EQ(list.find_conflict(kB, LockType::Write, 30, kToEnd), nullptr);
    EXPECT_TRUE(list.remove_owner(kOfd));
    EXPECT_FALSE(list.remove_owner(kOfd));
    EXPECT_EQ(describe(list), "1R0-9 ");
}

TEST(RecordLocks, RangesFromStructFlock) {
    auto range = [](int whence, std::int64_t start, std::int64_t length) {
        return locks::range_from_flock(whence, start, length, /*position=*/100, /*size=*/1000);
    };
    EXPECT_EQ(range(0, 10, 5).value().start, 10u);
    EXPECT_EQ(range(0, 10, 5).value().end, 14u);
    EXPECT_EQ(range(0, 10, 0).value().end, kToEnd);
    EXPECT_EQ(range(1, -10, 2).value().start, 90u);
    EXPECT_EQ(range(2, -1, 1).value().start, 999u);
    EXPECT_EQ(range(0, 10, -5).value().start, 5u);  // the bytes before l_start
    EXPECT_EQ(range(0, 10, -5).value().end, 9u);
    EXPECT_EQ(range(3, 0, 0).error().code(), EINVAL);
    EXPECT_EQ(range(0, -1, 0).error().code(), EINVAL);
    EXPECT_EQ(range(0, 3, -4).error().code(), EINVAL);
    EXPECT_EQ(range(0, 0x7fffffffffffff00, 0x1000).error().code(), EOVERFLOW);
    EXPECT_EQ(range(2, 0x7fffffffffffff00, 0).error().code(), EOVERFLOW);
    EXPECT_EQ(locks::flock_length({10, kToEnd}), 0);
    EXPECT_EQ(locks::flock_length({10, 19}), 10);
}

TEST(DirectoryIndex, FindsInsertsAndRemovesByName) {
    ramfs::DirectoryIndex<int> index;
    for (int i = 0; i < 1000; ++i) ASSERT_FALSE(index.insert("file" + std::to_string(i), i).is_error());
    EXPECT_EQ(index.size(), 1000u);
    ASSERT_NE(index.find("file500"), nullptr);
    EXPECT_EQ(*index.find("file500"), 500);
    EXPECT_EQ(index.find("file1000"), nullptr);
    int removed = -1;
    EXPECT_TRUE(index.remove("file500", removed));
    EXPECT_EQ(removed, 500);
    EXPECT_FALSE(index.remove("file500", removed));
    EXPECT_EQ(index.find("file500"), nullptr);
    EXPECT_EQ(index.size(), 999u);
}

// A listing that removes what it has seen (rm -r) sees every entry once,
// through the compactions the removals cause.
TEST(DirectoryIndex, ListingSurvivesRemovalsAndKeepsPositions) {
    ramfs::DirectoryIndex<int> index;
    for (int i = 0; i < 500; ++i) ASSERT_FALSE(index.insert("n" + std::to_string(i), i).is_error());
    std::vector<int> seen;
    std::uint64_t position = 0;
    ramfs::DirectoryIndex<int>::Entry entry;
    while (index.at_or_after(position, entry)) {
        seen.push_back(*entry.value);
        position = entry.next;
        std::string name(entry.name);
        int value;
        ASSERT_TRUE(index.remove(name, value));
        // An entry added while listing comes after everything listed so far.
        if (value < 500 && value % 100 == 0) {
            ASSERT_FALSE(index.insert("late" + std::to_string(value), 1000 + value).is_error());
        }
    }
    ASSERT_EQ(seen.size(), 505u);
    for (int i = 0; i < 500; ++i) EXPECT_EQ(seen[i], i);
    EXPECT_TRUE(index.is_empty());
    // Positions handed out stay meaningful: a later entry is found from an old position.
    ASSERT_FALSE(index.insert("again", 7).is_error());
    ASSERT_TRUE(index.at_or_after(3, entry));
    EXPECT_EQ(entry.name, "again");
}

}  // namespace
}  // namespace cella::fs
