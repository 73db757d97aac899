#include "aio.h"

#include <asm-generic/errno.h>
#include <linux/mman.h>

#include "libos/host/host.h"
#include "libos/mm/memory_ops.h"
#include "libos/mm/user_memory.h"
#include "libos/process/process.h"
#include "libos/process/process_table.h"
#include "libos/process/signals.h"

namespace cella::fs::aio {
namespace {

using base::Error;

constexpr std::uint32_t kRingMagic = 0xa10a10a1;
constexpr std::uint64_t kRingHeader = 32;
constexpr std::uint64_t kMaxRequests = 65536;  // /proc/sys/fs/aio-max-nr
constexpr std::uint32_t kPollErr = 0x8, kPollHup = 0x10;

// struct aio_ring's header.
struct RingHeader {
    std::uint32_t id;
    std::uint32_t nr;
    std::uint32_t head;
    std::uint32_t tail;
    std::uint32_t magic;
    std::uint32_t compat_features;
    std::uint32_t incompat_features;
    std::uint32_t header_length;
};
static_assert(sizeof(RingHeader) == kRingHeader);
constexpr std::uint64_t kHeadOffset = 8, kTailOffset = 12;

base::Mutex g_lock;
// Every context of every process (few: programs make one or two).
base::Vector<RefPtr<Context>>* g_contexts = nullptr;

std::int64_t now_ns() {
    std::int64_t seconds = 0, nanoseconds = 0;
    (void)host::clock_gettime(1 /* CLOCK_MONOTONIC */, seconds, nanoseconds);
    return seconds * 1000000000 + nanoseconds;
}

// Writes the ring's header and lists the context.
Result<void> register_context(process::Process& process, std::uint64_t ring, std::uint64_t bytes, unsigned entries) {
    RingHeader header{0, entries, 0, 0, kRingMagic, 1, 0, static_cast<std::uint32_t>(kRingHeader)};
    TRY(mm::write_user(ring, header));
    auto context = TRY(base::make_ref<Context>(process.pid(), ring, bytes, entries));
    base::ScopedLock guard(g_lock);
    if (!g_contexts) {
        void* memory = base::allocate(sizeof(base::Vector<RefPtr<Context>>));
        if (!memory) return Error::from_errno(ENOMEM);
        g_contexts = new (memory) base::Vector<RefPtr<Context>>();
    }
    // Contexts of processes that are gone went with their memory.
    for (std::size_t i = 0; i < g_contexts->size();) {
        if (!process::process_table().find_process((*g_contexts)[i]->owner()))
            g_contexts->remove(i);
        else
            ++i;
    }
    return g_contexts->try_append(static_cast<RefPtr<Context>&&>(context));
}

}  // namespace

Result<unsigned> Context::queued() {
    // The application moves head (libaio does): take it modulo the ring.
    std::uint32_t head = TRY(mm::read_user<std::uint32_t>(ring_ + kHeadOffset)) % entries_;
    return (tail_ + entries_ - head) % entries_;
}

Result<void> Context::reserve() {
    base::ScopedLock guard(lock_);
    if (TRY(queued()) + polls_.size() + 1 >= entries_) return Error::from_errno(EAGAIN);
    return {};
}

Result<void> Context::complete_locked(const IoEvent& event) {
    TRY(mm::write_user(ring_ + kRingHeader + std::uint64_t{tail_} * sizeof(IoEvent), event));
    tail_ = (tail_ + 1) % entries_;
    TRY(mm::write_user(ring_ + kTailOffset, tail_));
    return {};
}

Result<void> Context::complete(const IoEvent& event) {
    {
        base::ScopedLock guard(lock_);
        TRY(complete_locked(event));
    }
    completed_.notify_all();
    return {};
}

Result<bool> Context::poll(RefPtr<OpenFile> file, std::uint32_t events, std::uint64_t data, std::uint64_t obj) {
    events |= kPollErr | kPollHup;
    if (std::uint32_t ready = file->poll_events() & events) {
        TRY(complete({data, obj, ready, 0}));
        return true;
    }
    base::ScopedLock guard(lock_);
    TRY(polls_.try_append(PendingPoll{static_cast<RefPtr<OpenFile>&&>(file), events, data, obj}));
    return false;
}

Result<void> Context::complete_ready_polls() {
    for (std::size_t i = 0; i < polls_.size();) {
        PendingPoll& pending = polls_[i];
        if (std::uint32_t ready = pending.file->poll_events() & pending.events) {
            TRY(complete_locked({pending.data, pending.obj, ready, 0}));
            polls_.remove(i);
        } else {
            ++i;
        }
    }
    return {};
}

Result<void> Context::cancel(std::uint64_t obj) {
    {
        base::ScopedLock guard(lock_);
        std::size_t i = 0;
        while (i < polls_.size() && polls_[i].obj != obj) ++i;
        if (i == polls_.size()) return Error::from_errno(EINVAL);
        IoEvent event{polls_[i].data, obj, 0, 0};
        polls_.remove(i);
        TRY(complete_locked(event));
    }
    completed_.notify_all();
    return Error::from_errno(EINPROGRESS);
}

void Context::drop_pending() {
    base::ScopedLock guard(lock_);
    polls_.clear();
}

Result<long> Context::get_events(long min_nr, long nr, std::uint64_t events_address, std::int64_t timeout_ns) {
    std::int64_t deadline = timeout_ns > 0 ? now_ns() + timeout_ns : 0;
    long got = 0;
    while (true) {
        ipc::Waiter waiter;
        waiter.watch(completed_);
        bool must_poll = false;
        {
            base::ScopedLock guard(lock_);
            TRY(complete_ready_polls());
            std::uint32_t head = TRY(mm::read_user<std::uint32_t>(ring_ + kHeadOffset)) % entries_;
            while (got < nr && head != tail_) {
                IoEvent event = TRY(mm::read_user<IoEvent>(ring_ + kRingHeader + std::uint64_t{head} * sizeof(IoEvent)));
                TRY(mm::write_user(events_address + static_cast<std::uint64_t>(got) * sizeof(IoEvent), event));
                head = (head + 1) % entries_;
                TRY(mm::write_user(ring_ + kHeadOffset, head));
                ++got;
            }
            for (PendingPoll& pending : polls_) {
                ipc::Waitable* waitable = pending.file->waitable();
                if (!waitable || !waiter.watch(*waitable)) must_poll = true;
            }
        }
        if (got >= min_nr || timeout_ns == 0) return got;
        std::int64_t left = -1;
        if (timeout_ns > 0) {
            left = deadline - now_ns();
            if (left <= 0) return got;
        }
        // Files polled at the host have no Waitable: look again soon.
        constexpr std::int64_t kRecheckNs = 10'000'000;
        if (must_poll && (left < 0 || left > kRecheckNs)) left = kRecheckNs;
        if (waiter.wait(left) == ipc::WaitResult::Interrupted) {
            if (got) return got;
            return Error::from_errno(EINTR);
        }
    }
}

Result<std::uint64_t> setup(process::Process& process, unsigned requests) {
    // As Linux: room for twice the request (at least 4 per CPU, doubled),
    // within /proc/sys/fs/aio-max-nr.
    if (requests == 0 || requests > 0x10000000u / sizeof(IoEvent)) return Error::from_errno(EINVAL);
    std::uint64_t wanted = requests < 4 ? 4 : requests;
    wanted *= 2;
    if (wanted > kMaxRequests) return Error::from_errno(EAGAIN);
    std::uint64_t bytes = (kRingHeader + wanted * sizeof(IoEvent) + mm::kPageSize - 1) / mm::kPageSize * mm::kPageSize;
    auto entries = static_cast<unsigned>((bytes - kRingHeader) / sizeof(IoEvent));
    mm::MapRequest request;
    request.length = bytes;
    request.prot = PROT_READ | PROT_WRITE;
    request.flags = MAP_PRIVATE | MAP_ANONYMOUS;
    request.name = "[aio]";
    request.populate = true;
    std::uint64_t ring = TRY(mm::map(process, request));
    auto registered = register_context(process, ring, bytes, entries);
    if (registered.is_error()) {
        (void)mm::unmap(process, ring, bytes);
        return registered.error();
    }
    return ring;
}

Result<RefPtr<Context>> find(process::Process& process, std::uint64_t id) {
    base::ScopedLock guard(g_lock);
    if (g_contexts)
        for (RefPtr<Context>& context : *g_contexts)
            if (context->id() == id && context->owner() == process.pid()) return context;
    return Error::from_errno(EINVAL);
}

Result<void> destroy(process::Process& process, std::uint64_t id) {
    RefPtr<Context> context;
    {
        base::ScopedLock guard(g_lock);
        for (std::size_t i = 0; g_contexts && i < g_contexts->size(); ++i) {
            if ((*g_contexts)[i]->id() == id && (*g_contexts)[i]->owner() == process.pid()) {
                context = (*g_contexts)[i];
                g_contexts->remove(i);
                break;
            }
        }
    }
    if (!context) return Error::from_errno(EINVAL);
    context->drop_pending();
    return mm::unmap(process, id, context->ring_bytes());
}

}  // namespace cella::fs::aio
