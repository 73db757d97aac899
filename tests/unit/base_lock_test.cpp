// Mutex under contention: its spinning fast path and its futex sleep both
// keep the critical section exclusive.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <vector>

#include "libos/base/lock.h"

namespace cella::base {
namespace {

TEST(Locks, MutexExcludesUnderContention) {
    Mutex mutex;
    long counter = 0;
    int inside = 0;
    bool overlapped = false;
    constexpr int kThreads = 4, kRounds = 20000;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kRounds; ++i) {
                ScopedLock guard(mutex);
                if (++inside != 1) overlapped = true;
                ++counter;
                // Now and then a holder stays long enough that the others
                // stop spinning and sleep in the futex.
                if (i % 5000 == t) std::this_thread::sleep_for(std::chrono::microseconds(200));
                --inside;
            }
        });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_FALSE(overlapped);
    EXPECT_EQ(counter, long{kThreads} * kRounds);
    EXPECT_FALSE(mutex.is_locked());
}

}  // namespace
}  // namespace cella::base
