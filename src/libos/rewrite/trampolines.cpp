#include "trampolines.h"

#include <asm-generic/errno.h>
#include <asm-generic/mman-common.h>

#include "libos/base/global.h"
#include "libos/base/vector.h"
#include "libos/host/host.h"
#include "libos/mm/address_space.h"
#include "libos/mm/heap.h"
#include "site_analysis.h"

namespace cella::rewrite {
namespace {

constexpr std::uint64_t kChunkSize = 64 * 1024;
constexpr std::uint64_t kSlotsPerChunk = kChunkSize / kTrampolineSize;
// Candidate distances from a far site at which to ask the host for a chunk.
constexpr std::int64_t kHostChunkOffsets[] = {256ll << 20, -(256ll << 20), 512ll << 20, -(512ll << 20),
                                              1ll << 30,  -(1ll << 30)};

struct Chunk {
    std::uint64_t base;
    std::uint64_t used;
};
base::Global<base::Vector<Chunk>> g_chunks_storage;

bool chunk_reaches(const Chunk& chunk, std::uint64_t site_jump) {
    return within_jump_reach(site_jump, chunk.base) && within_jump_reach(site_jump, chunk.base + kChunkSize) &&
           within_jump_reach(chunk.base, site_jump) && within_jump_reach(chunk.base + kChunkSize, site_jump);
}

base::Result<std::uint64_t> chunk_from_heap(std::uint64_t site_jump) {
    void* block = mm::kernel_heap().allocate(kChunkSize + mm::kPageSize);
    if (!block) return base::Error::from_errno(ENOMEM);
    std::uint64_t base = mm::page_round_up(reinterpret_cast<std::uint64_t>(block));
    if (!chunk_reaches(Chunk{base, 0}, site_jump)) {
        mm::kernel_heap().deallocate(block);
        return base::Error::from_errno(ERANGE);
    }
    // Never freed: a slot may be reused for another site, never unmapped.
    TRY(host::protect(base, kChunkSize, PROT_READ | PROT_EXEC));
    return base;
}

base::Result<std::uint64_t> chunk_from_host(std::uint64_t site_jump) {
    for (std::int64_t offset : kHostChunkOffsets) {
        std::uint64_t base = mm::page_round_down(site_jump + static_cast<std::uint64_t>(offset));
        if (offset < 0 && base > site_jump) continue;  // wrapped below zero
        // The host refuses a range anything holds: the whole enclave range
        // is reserved, and fixed-address programs are mapped at the host.
        if (base < (16u << 20)) continue;
        if (host::map_anonymous_noreplace(base, kChunkSize, PROT_READ | PROT_EXEC).is_error()) continue;
        return base;
    }
    return base::Error::from_errno(ENOMEM);
}

}  // namespace

base::Result<std::uint64_t> allocate_trampoline(std::uint64_t site_jump) {
    if (!g_chunks_storage.is_constructed()) g_chunks_storage.construct();
    base::Vector<Chunk>& g_chunks = g_chunks_storage.get();
    for (Chunk& chunk : g_chunks) {
        if (chunk.used < kSlotsPerChunk && chunk_reaches(chunk, site_jump))
            return chunk.base + kTrampolineSize * chunk.used++;
    }
    auto from_heap = chunk_from_heap(site_jump);
    Chunk chunk{from_heap.is_error() ? TRY(chunk_from_host(site_jump)) : from_heap.value(), 1};
    if (!chunk_reaches(chunk, site_jump)) return base::Error::from_errno(ENOMEM);
    TRY(g_chunks.try_append(chunk));
    return chunk.base;
}

}  // namespace cella::rewrite
