// The LibOS base library, compiled for the host.
#include <gtest/gtest.h>

#include <string>

#include "libos/base/hash_map.h"
#include "libos/base/intrusive_list.h"
#include "libos/base/own_ptr.h"
#include "libos/base/string.h"
#include "libos/base/vector.h"

namespace cella::base {
namespace {

Result<int> parse_digit(char c) {
    if (c < '0' || c > '9') return Error::from_errno(22);
    return c - '0';
}

Result<int> sum_digits(const char* text) {
    int sum = 0;
    for (const char* p = text; *p; ++p) sum += TRY(parse_digit(*p));
    return sum;
}

TEST(Result, CarriesValueOrErrno) {
    auto good = sum_digits("123");
    ASSERT_FALSE(good.is_error());
    EXPECT_EQ(good.value(), 6);
    auto bad = sum_digits("1x3");
    ASSERT_TRUE(bad.is_error());
    EXPECT_EQ(bad.error().code(), 22);
}

TEST(Result, VoidResult) {
    Result<void> ok;
    EXPECT_FALSE(ok.is_error());
    Result<void> failed = Error::from_errno(5);
    EXPECT_TRUE(failed.is_error());
    EXPECT_EQ(failed.error().code(), 5);
}

TEST(ResultDeath, ValueOfAnErrorPanics) {
    Result<int> failed = Error::from_errno(2);
    EXPECT_DEATH((void)failed.value(), "assertion failed");
}

TEST(Vector, GrowsAndKeepsOrder) {
    Vector<std::string> v;
    for (int i = 0; i < 100; ++i) ASSERT_FALSE(v.try_append(std::to_string(i)).is_error());
    ASSERT_EQ(v.size(), 100u);
    EXPECT_EQ(v[0], "0");
    EXPECT_EQ(v[99], "99");
    ASSERT_FALSE(v.try_insert(1, "inserted").is_error());
    EXPECT_EQ(v[1], "inserted");
    EXPECT_EQ(v[2], "1");
    v.remove(1);
    EXPECT_EQ(v[1], "1");
    EXPECT_EQ(v.take_last(), "99");
    EXPECT_EQ(v.size(), 99u);
    ASSERT_FALSE(v.try_resize(3).is_error());
    EXPECT_EQ(v.last(), "2");
}

TEST(Vector, AppendsSpansOfBytes) {
    Vector<char> v;
    const char text[] = "hello";
    ASSERT_FALSE(v.try_append(std::span<const char>(text, 5)).is_error());
    ASSERT_FALSE(v.try_append(std::span<const char>(text, 5)).is_error());
    EXPECT_EQ(std::string(v.data(), v.size()), "hellohello");
}

TEST(VectorDeath, OutOfRangeAccessPanics) {
    Vector<int> v;
    ASSERT_FALSE(v.try_append(1).is_error());
    EXPECT_DEATH((void)v[1], "Vector index out of range");
}

TEST(String, AppendsAndTerminates) {
    auto s = String::from("abc");
    ASSERT_FALSE(s.is_error());
    String text = s.release_value();
    ASSERT_FALSE(text.try_append("/def").is_error());
    EXPECT_EQ(text.view(), "abc/def");
    EXPECT_STREQ(text.c_str(), "abc/def");
    EXPECT_EQ(text.size(), 7u);
    String empty;
    EXPECT_STREQ(empty.c_str(), "");
    EXPECT_TRUE(empty.is_empty());
}

TEST(String, TruncatesAndAppendsAgain) {
    String text = String::from("/tmp/dir/file").release_value();
    text.truncate(8);
    EXPECT_EQ(text.view(), "/tmp/dir");
    EXPECT_STREQ(text.c_str(), "/tmp/dir");
    text.truncate(100);  // longer than it is: unchanged
    EXPECT_EQ(text.size(), 8u);
    ASSERT_FALSE(text.try_append("/other").is_error());
    EXPECT_STREQ(text.c_str(), "/tmp/dir/other");
    text.truncate(0);
    EXPECT_TRUE(text.is_empty());
    EXPECT_STREQ(text.c_str(), "");
}

TEST(HashMap, SetFindRemove) {
    HashMap<int, std::string> map;
    for (int i = 0; i < 1000; ++i) ASSERT_FALSE(map.try_set(i, std::to_string(i)).is_error());
    EXPECT_EQ(map.size(), 1000u);
    for (int i = 0; i < 1000; i += 2) EXPECT_TRUE(map.remove(i));
    EXPECT_FALSE(map.remove(0));
    EXPECT_EQ(map.size(), 500u);
    for (int i = 0; i < 1000; ++i) {
        auto* found = map.find(i);
        if (i % 2) {
            ASSERT_NE(found, nullptr) << i;
            EXPECT_EQ(*found, std::to_string(i));
        } else {
            EXPECT_EQ(found, nullptr) << i;
        }
    }
    ASSERT_FALSE(map.try_set(1, "one").is_error());
    EXPECT_EQ(*map.find(1), "one");
    EXPECT_EQ(map.size(), 500u);
}

TEST(HashMap, StringViewKeys) {
    HashMap<std::string_view, int> map;
    ASSERT_FALSE(map.try_set("alpha", 1).is_error());
    ASSERT_FALSE(map.try_set("beta", 2).is_error());
    EXPECT_EQ(*map.find("beta"), 2);
    EXPECT_EQ(map.find("gamma"), nullptr);
}

struct Counted : RefCounted<Counted> {
    explicit Counted(int* destroyed) : destroyed_(destroyed) {}
    ~Counted() { ++*destroyed_; }
    int* destroyed_;
};

TEST(RefPtr, DestroysWithLastReference) {
    int destroyed = 0;
    {
        auto made = make_ref<Counted>(&destroyed);
        ASSERT_FALSE(made.is_error());
        RefPtr<Counted> a = made.release_value();
        RefPtr<Counted> b = a;
        EXPECT_EQ(a->ref_count(), 2u);
        a = nullptr;
        EXPECT_EQ(destroyed, 0);
    }
    EXPECT_EQ(destroyed, 1);
}

struct Owned {
    explicit Owned(int* destroyed) : destroyed_(destroyed) {}
    ~Owned() { ++*destroyed_; }
    int* destroyed_;
};

TEST(OwnPtr, DestroysOnceWhenMovedAround) {
    int destroyed = 0;
    {
        OwnPtr<Owned> a = make_own<Owned>(&destroyed).release_value();
        OwnPtr<Owned> b = std::move(a);
        EXPECT_FALSE(a);
        EXPECT_TRUE(b);
    }
    EXPECT_EQ(destroyed, 1);
}

struct Item : IntrusiveListNode<> {
    explicit Item(int v) : value(v) {}
    int value;
};

TEST(IntrusiveList, PushRemoveIterate) {
    Item a(1), b(2), c(3);
    IntrusiveList<Item> list;
    list.push_back(a);
    list.push_back(b);
    list.push_front(c);
    int order[3], n = 0;
    for (Item& item : list) order[n++] = item.value;
    EXPECT_EQ(order[0], 3);
    EXPECT_EQ(order[1], 1);
    EXPECT_EQ(order[2], 2);
    IntrusiveList<Item>::remove(a);
    EXPECT_EQ(list.size(), 2u);
    EXPECT_EQ(list.take_first()->value, 3);
    EXPECT_EQ(list.take_first()->value, 2);
    EXPECT_TRUE(list.is_empty());
}

}  // namespace
}  // namespace cella::base
