#include "system_stats.h"

#include <linux/time.h>

#include "libos/base/lock.h"
#include "libos/host/host.h"
#include "libos/mm/address_space.h"
#include "process_table.h"

namespace cella::process {
namespace {

// Linux's EXP_1, EXP_5, EXP_15: 1/exp(5s/1min) ... in 11-bit fixed point.
constexpr std::uint64_t kFixedOne = 1 << 11;
constexpr std::uint64_t kDecay[3] = {1884, 2014, 2037};
constexpr std::int64_t kSampleNs = 5000000000;

struct LoadState {
    base::Mutex lock;
    bool started = false;
    std::int64_t sampled_at_ns = 0;  // CLOCK_MONOTONIC
    std::int64_t cpu_at_sample_ns = 0;
    std::uint64_t averages[3] = {};  // 11-bit fixed point, as Linux's avenrun
};
constinit LoadState g_load;

base::Result<std::int64_t> host_ns(int clock) {
    std::int64_t seconds = 0, nanoseconds = 0;
    TRY(host::clock_gettime(clock, seconds, nanoseconds));
    return seconds * 1000000000 + nanoseconds;
}

std::uint64_t fold(std::uint64_t average, std::uint64_t decay, std::uint64_t active) {
    std::uint64_t next = average * decay + active * (kFixedOne - decay);
    if (active >= average) next += kFixedOne - 1;  // round up while rising, as calc_load does
    return next / kFixedOne;
}

}  // namespace

MemoryUsage memory_usage() {
    mm::AddressSpace& space = mm::address_space();
    MemoryUsage usage;
    usage.total = space.user_end() - space.user_base();
    base::ScopedLock guard(space.lock());
    space.for_each_in(space.user_base(), space.user_end(), [&](const mm::Vma& vma) {
        if (vma.kind != mm::VmaKind::HeapReserve) usage.used += vma.end - vma.start;
    });
    if (usage.used > usage.total) usage.used = usage.total;
    return usage;
}

std::uint64_t thread_total() {
    std::uint64_t threads = 0;
    process_table().for_each_process([&](Process& process) { threads += process.thread_count(); });
    return threads;
}

base::Result<LoadAverages> load_averages() {
    std::int64_t now = TRY(host_ns(CLOCK_MONOTONIC));
    // The host's CPU time of the whole enclave: every application thread.
    std::int64_t cpu = TRY(host_ns(CLOCK_PROCESS_CPUTIME_ID));
    base::ScopedLock guard(g_load.lock);
    if (!g_load.started) {
        g_load.started = true;
        g_load.sampled_at_ns = now;
        g_load.cpu_at_sample_ns = cpu;
    }
    std::int64_t elapsed = now - g_load.sampled_at_ns;
    if (elapsed >= kSampleNs) {
        std::int64_t intervals = elapsed / kSampleNs;
        std::int64_t busy = cpu - g_load.cpu_at_sample_ns;
        std::uint64_t active = busy <= 0 ? 0 : static_cast<std::uint64_t>(busy) * kFixedOne / static_cast<std::uint64_t>(elapsed);
        // Past an hour the averages have forgotten everything before.
        for (std::int64_t i = 0; i < (intervals > 720 ? 720 : intervals); ++i)
            for (int k = 0; k < 3; ++k) g_load.averages[k] = fold(g_load.averages[k], kDecay[k], active);
        g_load.sampled_at_ns += intervals * kSampleNs;
        g_load.cpu_at_sample_ns = cpu;
    }
    LoadAverages out;
    for (int k = 0; k < 3; ++k) out.load[k] = g_load.averages[k] << (kLoadShift - 11);
    return out;
}

}  // namespace cella::process
