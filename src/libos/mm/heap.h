#pragma once
// The LibOS heap: serves base::allocate() from the region the host set
// aside (resource_limits.kernel_space_heap_size). Small blocks come from
// per-size-class free lists; large ones are page runs kept on an
// address-ordered free list that coalesces neighbours. The region is
// committed from the host in chunks as the heap grows, not up front.
#include <cstddef>
#include <cstdint>

#include "libos/base/lock.h"

namespace cella::mm {

class Heap {
public:
    void init(std::uint64_t base, std::uint64_t size);
    void* allocate(std::size_t size);
    void deallocate(void* ptr);

    std::uint64_t bytes_in_use() const { return in_use_; }
    std::uint64_t bytes_committed() const { return committed_ - base_; }
    std::uint64_t capacity() const { return end_ - base_; }

    static constexpr std::size_t kClassCount = 16;

private:
    struct FreeRun;
    void* allocate_small(unsigned size_class);
    void* allocate_large(std::size_t bytes);
    void* carve(std::size_t bytes);
    bool ensure_committed(std::uint64_t end);
    void free_large(void* block, std::size_t bytes);

    base::SpinLock lock_;
    std::uint64_t base_ = 0;
    std::uint64_t end_ = 0;
    std::uint64_t top_ = 0;        // bump pointer
    std::uint64_t committed_ = 0;  // [base_, committed_) is usable memory
    std::uint64_t in_use_ = 0;
    void* free_lists_[kClassCount] = {};
    FreeRun* free_runs_ = nullptr;
};

Heap& kernel_heap();

}  // namespace cella::mm
