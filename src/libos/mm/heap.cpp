#include "heap.h"

#include <linux/mman.h>

#include "libos/base/panic.h"
#include "libos/host/host.h"

namespace cella::mm {
namespace {

constexpr std::uint64_t kPage = 4096;
constexpr std::uint64_t kCommitChunk = 1 << 20;
constexpr std::uint32_t kMagicSmall = 0xce11a5a1;
constexpr std::uint32_t kMagicLarge = 0xce11a1a9;
constexpr std::uint32_t kMagicFree = 0xdeadf4ee;
constexpr std::size_t kClassSizes[Heap::kClassCount] = {16,  32,  48,  64,   96,   128,  192,  256,
                                                         384, 512, 768, 1024, 1536, 2048, 3072, 4080};

struct BlockHeader {
    std::uint32_t magic;
    std::uint32_t size_class;
    union {
        std::uint64_t bytes;     // usable bytes (small) or whole run incl. header (large)
        BlockHeader* next_free;  // while on a size class's free list
    };
};
static_assert(sizeof(BlockHeader) == 16);

std::uint64_t round_up(std::uint64_t value, std::uint64_t to) { return (value + to - 1) & ~(to - 1); }

Heap g_heap;

}  // namespace

struct Heap::FreeRun {
    std::uint64_t bytes;
    FreeRun* next;
};

Heap& kernel_heap() { return g_heap; }

void Heap::init(std::uint64_t base, std::uint64_t size) {
    base_ = top_ = committed_ = base;
    end_ = base + size;
}

bool Heap::ensure_committed(std::uint64_t end) {
    if (end <= committed_) return true;
    if (end > end_) return false;
    std::uint64_t new_committed = round_up(end, kCommitChunk);
    if (new_committed > end_) new_committed = end_;
    if (host::map_anonymous_fixed(committed_, new_committed - committed_, PROT_READ | PROT_WRITE, true).is_error())
        return false;
    committed_ = new_committed;
    return true;
}

void* Heap::carve(std::size_t bytes) {
    if (bytes > end_ - top_ || !ensure_committed(top_ + bytes)) return nullptr;
    void* block = reinterpret_cast<void*>(top_);
    top_ += bytes;
    return block;
}

void* Heap::allocate_small(unsigned size_class) {
    if (auto* block = static_cast<BlockHeader*>(free_lists_[size_class])) {
        if (block->magic != kMagicFree) CELLA_PANIC("heap: corrupted free list");
        free_lists_[size_class] = block->next_free;
        return block;
    }
    // Refill the class with one page-multiple slab.
    std::size_t block_bytes = sizeof(BlockHeader) + kClassSizes[size_class];
    std::size_t slab = round_up(block_bytes * 16, kPage);
    auto* memory = static_cast<char*>(carve(slab));
    if (!memory) return nullptr;
    std::size_t count = slab / block_bytes;
    for (std::size_t i = 1; i < count; ++i) {
        auto* block = reinterpret_cast<BlockHeader*>(memory + i * block_bytes);
        block->magic = kMagicFree;
        block->next_free = static_cast<BlockHeader*>(free_lists_[size_class]);
        free_lists_[size_class] = block;
    }
    return memory;
}

void* Heap::allocate_large(std::size_t bytes) {
    for (FreeRun** link = &free_runs_; *link; link = &(*link)->next) {
        FreeRun* run = *link;
        if (run->bytes < bytes) continue;
        if (run->bytes - bytes >= kPage) {
            auto* rest = reinterpret_cast<FreeRun*>(reinterpret_cast<char*>(run) + bytes);
            rest->bytes = run->bytes - bytes;
            rest->next = run->next;
            *link = rest;
        } else {
            bytes = run->bytes;
            *link = run->next;
        }
        auto* header = reinterpret_cast<BlockHeader*>(run);
        header->bytes = bytes;
        return run;
    }
    auto* block = static_cast<BlockHeader*>(carve(bytes));
    if (block) block->bytes = bytes;
    return block;
}

void* Heap::allocate(std::size_t size) {
    if (size == 0) size = 1;
    if (size > end_ - base_) return nullptr;
    base::ScopedLock guard(lock_);
    if (size <= kClassSizes[kClassCount - 1]) {
        unsigned size_class = 0;
        while (kClassSizes[size_class] < size) ++size_class;
        auto* header = static_cast<BlockHeader*>(allocate_small(size_class));
        if (!header) return nullptr;
        header->magic = kMagicSmall;
        header->size_class = size_class;
        header->bytes = kClassSizes[size_class];
        in_use_ += header->bytes;
        return header + 1;
    }
    std::size_t bytes = round_up(size + sizeof(BlockHeader), kPage);
    auto* header = static_cast<BlockHeader*>(allocate_large(bytes));
    if (!header) return nullptr;
    header->magic = kMagicLarge;
    header->size_class = 0;
    in_use_ += header->bytes;
    return header + 1;
}

void Heap::free_large(void* block, std::size_t bytes) {
    auto* run = static_cast<FreeRun*>(block);
    run->bytes = bytes;
    FreeRun** link = &free_runs_;
    while (*link && *link < run) link = &(*link)->next;
    run->next = *link;
    *link = run;
    // Merge with the following run, then with the preceding one.
    if (run->next && reinterpret_cast<char*>(run) + run->bytes == reinterpret_cast<char*>(run->next)) {
        run->bytes += run->next->bytes;
        run->next = run->next->next;
    }
    if (link != &free_runs_) {
        auto* previous = reinterpret_cast<FreeRun*>(reinterpret_cast<char*>(link) - offsetof(FreeRun, next));
        if (reinterpret_cast<char*>(previous) + previous->bytes == reinterpret_cast<char*>(run)) {
            previous->bytes += run->bytes;
            previous->next = run->next;
        }
    }
}

void Heap::deallocate(void* ptr) {
    if (!ptr) return;
    auto* header = static_cast<BlockHeader*>(ptr) - 1;
    auto address = reinterpret_cast<std::uint64_t>(header);
    if (address < base_ || address >= top_) CELLA_PANIC("heap: free of a pointer outside the LibOS heap");
    base::ScopedLock guard(lock_);
    if (header->magic == kMagicSmall && header->size_class < kClassCount) {
        in_use_ -= header->bytes;
        header->magic = kMagicFree;
        header->next_free = static_cast<BlockHeader*>(free_lists_[header->size_class]);
        free_lists_[header->size_class] = header;
        return;
    }
    if (header->magic == kMagicLarge) {
        in_use_ -= header->bytes;
        free_large(header, header->bytes);
        return;
    }
    CELLA_PANIC("heap: double free or corrupted block header");
}

}  // namespace cella::mm
