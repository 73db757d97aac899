#include "ring.h"

#include <asm-generic/errno.h>
#include <linux/futex.h>
#include <linux/io_uring.h>

#include "libos/base/global.h"
#include "libos/base/platform.h"
#include "libos/host/host.h"
#include "libos/runtime/log.h"

namespace cella::net::uring {
namespace {

using base::Error;
using base::MemoryOrder;

// Each request submits at most three entries (the operation, its linked
// timeout, a cancel) and completes as many.
constexpr std::uint32_t kEntries = 64;
static_assert(3 * kSlots <= kEntries, "the submission ring never fills");

bool g_enabled = false;
base::Mutex g_setup_lock;
bool g_setup_done = false;
base::Global<Ring> g_ring;

std::uint32_t load_host(const std::uint32_t* word) { return __atomic_load_n(word, __ATOMIC_ACQUIRE); }
void store_host(std::uint32_t* word, std::uint32_t value) { __atomic_store_n(word, value, __ATOMIC_RELEASE); }

}  // namespace

void Ring::enable(bool on) { g_enabled = on; }

Ring* Ring::get() {
    if (!g_enabled) return nullptr;
    if (__atomic_load_n(&g_setup_done, __ATOMIC_ACQUIRE)) return g_ring.is_constructed() ? &g_ring.get() : nullptr;
    base::ScopedLock guard(g_setup_lock);
    if (!g_setup_done) {
        auto region = host::uring_setup(kEntries, false, kSlots * (kHeaderBytes + kDataBytes));
        if (region.is_error()) {
            log::warn("io_uring: the host gave no ring (errno %d): host sockets use the direct path",
                      region.error().code());
        } else {
            auto layout = ring_layout(region.value(), kEntries);
            if (layout.is_error())
                log::warn("io_uring: the host's ring layout is inconsistent: host sockets use the direct path");
            else {
                g_ring.construct(layout.value(), region.value().fd, region.value().buffers,
                                 region.value().buffers_size);
                log::debug("io_uring: host socket I/O through a ring of %u entries", layout.value().sq_entries);
            }
        }
        __atomic_store_n(&g_setup_done, true, __ATOMIC_RELEASE);
    }
    return g_ring.is_constructed() ? &g_ring.get() : nullptr;
}

Ring::Ring(const RingLayout& layout, int fd, std::uint8_t* buffers, std::size_t buffers_size)
    : layout_(layout), fd_(fd), buffers_(buffers), buffers_size_(buffers_size) {
    // The LibOS's own positions, never the host's word for them.
    sq_tail_ = load_host(layout_.sq_tail);
    cq_head_ = load_host(layout_.cq_head);
}

base::Result<std::uint32_t> Ring::claim(Op op, std::uint64_t asked) {
    while (true) {
        std::uint32_t frees = slot_frees_.load();
        {
            base::ScopedLock guard(table_lock_);
            auto slot = table_.claim(op, asked);
            if (!slot.is_error()) return slot.value();
        }
        slot_waiters_.fetch_add(1);
        long waited = host::futex(slot_frees_.raw(), FUTEX_WAIT_PRIVATE, frees, nullptr, nullptr, 0);
        slot_waiters_.fetch_sub(1);
        if (waited == -EINTR) return Error::from_errno(EINTR);
    }
}

void Ring::release(std::uint32_t slot) {
    {
        base::ScopedLock guard(table_lock_);
        table_.release(slot);
    }
    slot_frees_.fetch_add(1);
    if (slot_waiters_.load()) host::futex_wake(slot_frees_.raw(), 1);
}

std::uint8_t* Ring::staging(std::uint32_t slot) { return buffers_ + slot * (kHeaderBytes + kDataBytes); }

base::Result<void> Ring::submit(std::span<const io_uring_sqe> sqes) {
    base::ScopedLock guard(submit_lock_);
    std::uint32_t head = load_host(layout_.sq_head);
    std::uint32_t queued = sq_tail_ - head;
    // A head the host moved past the tail, or backwards beyond the ring.
    if (queued > layout_.sq_entries || layout_.sq_entries - queued < sqes.size()) return Error::from_errno(EIO);
    for (const io_uring_sqe& sqe : sqes) {
        std::uint32_t index = sq_tail_ & (layout_.sq_entries - 1);
        __builtin_memcpy(layout_.sqes + index * sizeof(io_uring_sqe), &sqe, sizeof sqe);
        store_host(&layout_.sq_array[index], index);
        ++sq_tail_;
    }
    store_host(layout_.sq_tail, sq_tail_);
    unsubmitted_.fetch_add(static_cast<std::uint32_t>(sqes.size()));
    return {};
}

base::Result<void> Ring::enter(bool wait, bool interruptible) {
    std::uint32_t pending = unsubmitted_.load();
    auto entered = host::uring_enter(fd_, pending, wait ? 1 : 0, wait ? IORING_ENTER_GETEVENTS : 0, interruptible);
    if (entered.is_error()) return entered.error();
    unsubmitted_.fetch_sub(entered.value());
    return {};
}

void Ring::reap() {
    std::uint32_t tail = load_host(layout_.cq_tail);
    if (tail - cq_head_ > layout_.cq_entries) {
        log::warn("io_uring: the host's completion tail is %u entries ahead: ignored", tail - cq_head_);
        return;
    }
    bool finished_any = false;
    while (cq_head_ != tail) {
        io_uring_cqe cqe;
        __builtin_memcpy(&cqe, layout_.cqes + (cq_head_ & (layout_.cq_entries - 1)) * sizeof cqe, sizeof cqe);
        ++cq_head_;
        Checked checked;
        {
            base::ScopedLock guard(table_lock_);
            checked = table_.complete(cqe.user_data, cqe.res);
        }
        if (checked.verdict == Verdict::Refused)
            log::warn("io_uring: a completion for no outstanding request (user_data %llx): ignored",
                      static_cast<unsigned long long>(cqe.user_data));
        finished_any |= checked.verdict == Verdict::Finished;
    }
    store_host(layout_.cq_head, cq_head_);
    if (finished_any) {
        posted_.fetch_add(1);
        if (followers_.load()) host::futex_wake(posted_.raw(), 0x7fffffff);
    }
}

void Ring::hand_over() {
    posted_.fetch_add(1);
    if (followers_.load()) host::futex_wake(posted_.raw(), 0x7fffffff);
}

bool Ring::finished(std::uint32_t slot) {
    base::ScopedLock guard(table_lock_);
    return table_.finished(slot);
}

base::Result<void> Ring::wait(std::uint32_t slot, bool interruptible) {
    while (!finished(slot)) {
        std::uint32_t seen = posted_.load();
        if (reap_lock_.try_lock()) {
            reap();
            base::Result<void> entered = {};
            if (!finished(slot)) {
                entered = enter(true, interruptible);
                reap();
            }
            reap_lock_.unlock();
            hand_over();
            if (entered.is_error() && entered.error().code() == EINTR && interruptible && !finished(slot))
                return entered.error();
            // A host that refuses to wait would make this loop spin: give up.
            if (entered.is_error() && entered.error().code() != EINTR) return entered.error();
            continue;
        }
        // Another thread waits at the host and hands completions on; it
        // entered before this request was queued, so submit it here.
        if (unsubmitted_.load()) {
            auto submitted = enter(false, false);
            if (submitted.is_error() && submitted.error().code() != EINTR) return submitted.error();
        }
        followers_.fetch_add(1);
        long waited = 0;
        if (!finished(slot)) {
            if (interruptible)
                waited = host::futex(posted_.raw(), FUTEX_WAIT_PRIVATE, seen, nullptr, nullptr, 0);
            else
                base::platform::futex_wait(posted_.raw(), seen);
        }
        followers_.fetch_sub(1);
        if (waited == -EINTR && !finished(slot)) return Error::from_errno(EINTR);
    }
    return {};
}

Request::~Request() {
    if (claimed_) ring_.release(slot_);
}

base::Result<void> Request::claim(Op op, std::uint64_t asked) {
    slot_ = TRY(ring_.claim(op, asked));
    claimed_ = true;
    return {};
}

std::span<std::uint8_t> Request::header() { return {ring_.staging(slot_), kHeaderBytes}; }

std::span<std::uint8_t> Request::data() { return {ring_.staging(slot_) + kHeaderBytes, kDataBytes}; }

base::Result<Outcome> Request::run(io_uring_sqe& sqe, std::int64_t timeout_ns) {
    io_uring_sqe sqes[2] = {};
    std::size_t count = 1;
    {
        base::ScopedLock guard(ring_.table_lock_);
        sqe.user_data = ring_.table_.expect(slot_, Part::Operation);
        if (timeout_ns > 0) {
            // The timespec lives at the end of the header, in host memory.
            auto* when = reinterpret_cast<__kernel_timespec*>(header().data() + kHeaderBytes - sizeof(__kernel_timespec));
            when->tv_sec = timeout_ns / 1000000000;
            when->tv_nsec = timeout_ns % 1000000000;
            sqe.flags |= IOSQE_IO_LINK;
            sqes[1].opcode = IORING_OP_LINK_TIMEOUT;
            sqes[1].fd = -1;
            sqes[1].addr = reinterpret_cast<std::uint64_t>(when);
            sqes[1].len = 1;
            sqes[1].user_data = ring_.table_.expect(slot_, Part::Timeout);
            count = 2;
        }
    }
    sqes[0] = sqe;
    auto submitted = ring_.submit({sqes, count});
    if (submitted.is_error()) {
        // Nothing reached the ring: the slot owes nothing.
        base::ScopedLock guard(ring_.table_lock_);
        ring_.table_.complete(sqes[0].user_data, -ECANCELED);
        if (count == 2) ring_.table_.complete(sqes[1].user_data, -ECANCELED);
        return submitted.error();
    }
    Outcome outcome;
    auto waited = ring_.wait(slot_, true);
    if (waited.is_error() && waited.error().code() == EINTR) {
        // A kick: cancel at the host and take whatever the request did.
        outcome.interrupted = true;
        io_uring_sqe cancel = {};
        cancel.opcode = IORING_OP_ASYNC_CANCEL;
        cancel.fd = -1;
        cancel.addr = sqes[0].user_data;
        {
            base::ScopedLock guard(ring_.table_lock_);
            cancel.user_data = ring_.table_.expect(slot_, Part::Cancel);
        }
        TRY(ring_.submit({&cancel, 1}));
        TRY(ring_.wait(slot_, false));
    } else if (waited.is_error()) {
        return waited.error();
    }
    base::ScopedLock guard(ring_.table_lock_);
    outcome.result = ring_.table_.result(slot_);
    outcome.timed_out = ring_.table_.timeout_result(slot_) == -ETIME;
    return outcome;
}

}  // namespace cella::net::uring
