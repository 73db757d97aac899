#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "libos/base/format.h"
#include "libos/base/lock.h"

namespace cella::base {
namespace {

std::string fmt(const char* format, auto... args) {
    char buffer[128];
    format_to(buffer, sizeof buffer, format, args...);
    return buffer;
}

TEST(Format, Integers) {
    EXPECT_EQ(fmt("%d %i %u", -42, 7, 42u), "-42 7 42");
    EXPECT_EQ(fmt("%ld %lu", -1234567890123L, 1234567890123UL), "-1234567890123 1234567890123");
    EXPECT_EQ(fmt("%x %X %lx", 255u, 255u, 0xdeadbeefcafeUL), "ff FF deadbeefcafe");
    EXPECT_EQ(fmt("%zu", static_cast<std::size_t>(99)), "99");
    EXPECT_EQ(fmt("%d", INT32_MIN), "-2147483648");
    EXPECT_EQ(fmt("0%o 0%lo %o", 0644u, 04755UL, 0u), "0644 04755 0");
}

TEST(Format, WidthAndPadding) {
    EXPECT_EQ(fmt("[%5d]", 42), "[   42]");
    EXPECT_EQ(fmt("[%-5d]", 42), "[42   ]");
    EXPECT_EQ(fmt("[%05d]", -42), "[-0042]");
    EXPECT_EQ(fmt("[%08lx]", 0xabcUL), "[00000abc]");
}

TEST(Format, StringsAndPointers) {
    EXPECT_EQ(fmt("%s|%.3s|%.*s", "hello", "abcdef", 2, "xyz"), "hello|abc|xy");
    const char* volatile missing = nullptr;  // volatile: keep the compiler from flagging the null at build time
    EXPECT_EQ(fmt("%s", missing), "(null)");
    EXPECT_EQ(fmt("%p", reinterpret_cast<void*>(0x1000)), "0x1000");
    EXPECT_EQ(fmt("%c%%", 'x'), "x%");
}

TEST(Format, TruncatesAndReportsFullLength) {
    char small[6];
    std::size_t wanted = format_to(small, sizeof small, "%s", "hello world");
    EXPECT_EQ(wanted, 11u);
    EXPECT_STREQ(small, "hello");
    FormatBuilder builder(small, sizeof small);
    builder.append("abc");
    builder.append("defgh");
    EXPECT_TRUE(builder.truncated());
    EXPECT_EQ(builder.view(), "abcde");
}

TEST(Locks, ScopedLockReleases) {
    Mutex mutex;
    SpinLock spin;
    {
        ScopedLock a(mutex);
        ScopedLock b(spin);
        EXPECT_TRUE(mutex.is_locked());
        EXPECT_FALSE(mutex.try_lock());
        EXPECT_FALSE(spin.try_lock());
    }
    EXPECT_FALSE(mutex.is_locked());
    EXPECT_TRUE(spin.try_lock());
    spin.unlock();
}

}  // namespace
}  // namespace cella::base
