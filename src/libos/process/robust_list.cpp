#include "robust_list.h"

#include <linux/futex.h>

#include "libos/host/host.h"
#include "libos/mm/user_memory.h"

namespace cella::process {
namespace {

constexpr int kMaxEntries = 2048;  // ROBUST_LIST_LIMIT

struct RobustListHead {
    std::uint64_t next;  // struct robust_list *
    std::int64_t futex_offset;
    std::uint64_t pending;
};

void handle_futex_death(std::uint64_t address, int tid) {
    auto word = mm::user_writable(address, sizeof(std::uint32_t));
    if (word.is_error() || address % 4) return;
    auto* futex = reinterpret_cast<std::uint32_t*>(word.value().data());
    std::uint32_t value = __atomic_load_n(futex, __ATOMIC_RELAXED);
    while ((value & FUTEX_TID_MASK) == static_cast<std::uint32_t>(tid)) {
        std::uint32_t updated = (value & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
        if (__atomic_compare_exchange_n(futex, &value, updated, false, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED)) {
            if (value & FUTEX_WAITERS) host::futex_wake_all_kinds(futex, 1);
            return;
        }
    }
}

}  // namespace

void release_robust_futexes(Thread& thread) {
    if (!thread.robust_list) return;
    auto head = mm::read_user<RobustListHead>(thread.robust_list);
    if (head.is_error()) return;
    std::uint64_t entry = head.value().next;
    for (int i = 0; i < kMaxEntries && entry != thread.robust_list; ++i) {
        std::uint64_t next_entry = mm::read_user<std::uint64_t>(entry & ~std::uint64_t{1}).value_or(thread.robust_list);
        // The pending entry is handled below, once.
        if (entry != head.value().pending)
            handle_futex_death((entry & ~std::uint64_t{1}) + head.value().futex_offset, thread.tid());
        entry = next_entry;
    }
    if (head.value().pending)
        handle_futex_death((head.value().pending & ~std::uint64_t{1}) + head.value().futex_offset, thread.tid());
    thread.robust_list = 0;
}

}  // namespace cella::process
