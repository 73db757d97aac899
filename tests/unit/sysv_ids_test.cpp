// The System V IPC id table (libos/ipc/sysv/ids.h), compiled for the host:
// ids as Linux builds them, stale ids, keys, limits.
#include <gtest/gtest.h>

#include "libos/ipc/sysv/ids.h"

namespace cella::ipc::sysv {
namespace {

struct Object : base::RefCounted<Object> {
    IpcPerm perm;
};

RefPtr<Object> make(int key) {
    auto object = base::make_ref<Object>();
    EXPECT_FALSE(object.is_error());
    RefPtr<Object> result = object.release_value();
    result->perm.key = key;
    return result;
}

TEST(SysvIds, IdsAreIndexAndSequenceAsLinuxBuildsThem) {
    IpcIds<Object> ids(8);
    EXPECT_EQ(ids.max_index(), -1);
    RefPtr<Object> a = make(IPC_PRIVATE), b = make(IPC_PRIVATE);
    EXPECT_EQ(ids.add(a).value(), 0);
    EXPECT_EQ(ids.add(b).value(), 1);
    EXPECT_EQ(ids.max_index(), 1);
    ids.remove(*a);
    // The freed slot is used again with the next sequence number...
    RefPtr<Object> c = make(IPC_PRIVATE);
    EXPECT_EQ(ids.add(c).value(), 0 + (1 << kIndexShift));
    // ...so the old id no longer reaches anything.
    EXPECT_EQ(ids.find_id(0).error().code(), EINVAL);
    EXPECT_EQ(ids.find_id(c->perm.id).value().get(), c.get());
    EXPECT_EQ(ids.find_index(0).value().get(), c.get());
    EXPECT_EQ(ids.find_index(5).error().code(), EINVAL);
    EXPECT_EQ(ids.find_id(-1).error().code(), EINVAL);
    EXPECT_EQ(ids.count(), 2);
}

TEST(SysvIds, KeysFindObjectsButPrivateOnesAreNeverFound) {
    IpcIds<Object> ids(8);
    RefPtr<Object> keyed = make(0x1234), hidden = make(IPC_PRIVATE);
    ASSERT_FALSE(ids.add(keyed).is_error());
    ASSERT_FALSE(ids.add(hidden).is_error());
    EXPECT_EQ(ids.find_key(0x1234).get(), keyed.get());
    EXPECT_EQ(ids.find_key(0x4321).get(), nullptr);
    EXPECT_EQ(ids.find_key(IPC_PRIVATE).get(), nullptr);
}

TEST(SysvIds, FullTableIsEnospc) {
    IpcIds<Object> ids(2);
    ASSERT_FALSE(ids.add(make(1)).is_error());
    ASSERT_FALSE(ids.add(make(2)).is_error());
    EXPECT_EQ(ids.add(make(3)).error().code(), ENOSPC);
    int visited = 0;
    ids.for_each([&](const Object&) { ++visited; });
    EXPECT_EQ(visited, 2);
}

}  // namespace
}  // namespace cella::ipc::sysv
