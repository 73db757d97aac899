#pragma once
// The enclave's io_uring ring for host socket I/O (feature.io_uring): the
// LibOS writes submissions into the ring's host memory and reads
// completions from it, as liburing does for a process, with the host
// treated as untrusted (every completion checked against `RequestTable`).
// Any number of threads submit under one lock; one thread at a time
// waits in the host's io_uring_enter and hands every completion it reaps
// to its request, the others sleep on a futex until one of theirs came or
// the waiter left. A kick ends a wait: the request is then cancelled at
// the host (IORING_OP_ASYNC_CANCEL) and its completion awaited, so that
// what it moved meanwhile is not lost. A timeout is a linked
// IORING_OP_LINK_TIMEOUT.
#include <cstddef>
#include <cstdint>
#include <span>

#include "libos/base/atomic.h"
#include "libos/base/lock.h"
#include "libos/base/result.h"
#include "requests.h"
#include "ring_layout.h"

struct io_uring_sqe;

namespace cella::net::uring {

// Host memory of one request: its message header, iovec, timespec, name
// and control data, then its data.
inline constexpr std::size_t kHeaderBytes = 8192, kDataBytes = 256 * 1024;

struct Outcome {
    std::int32_t result = 0;   // checked: a count, an fd, 0 or -errno
    bool interrupted = false;  // a kick came; the LibOS cancelled it
    bool timed_out = false;    // its linked timeout fired
};

class Ring;

// One request's slot, held until every completion it owes has come.
class Request {
public:
    explicit Request(Ring& ring) : ring_(ring) {}
    ~Request();
    Request(const Request&) = delete;
    Request& operator=(const Request&) = delete;

    // Waits for a free slot (EINTR on a kick).
    base::Result<void> claim(Op op, std::uint64_t asked);
    std::span<std::uint8_t> header();
    std::span<std::uint8_t> data();
    // Submits `sqe` (its user_data is set here) with a linked timeout when
    // timeout_ns > 0, and waits for its completion.
    base::Result<Outcome> run(io_uring_sqe& sqe, std::int64_t timeout_ns);

private:
    Ring& ring_;
    std::uint32_t slot_ = 0;
    bool claimed_ = false;
};

class Ring {
public:
    // From boot: whether host socket I/O goes through the ring.
    static void enable(bool on);
    // The ring, set up at its first use; nullptr when the feature is off or
    // the host has none (logged once, and the direct path serves).
    static Ring* get();
    // Built once, by get().
    Ring(const RingLayout& layout, int fd, std::uint8_t* buffers, std::size_t buffers_size);

private:
    friend class Request;

    base::Result<std::uint32_t> claim(Op op, std::uint64_t asked);
    void release(std::uint32_t slot);
    std::uint8_t* staging(std::uint32_t slot);
    base::Result<void> submit(std::span<const io_uring_sqe> sqes);
    // Until `slot` has all its completions; EINTR on a kick when interruptible.
    base::Result<void> wait(std::uint32_t slot, bool interruptible);
    bool finished(std::uint32_t slot);
    // Submits what is pending and, with `wait`, waits for one completion.
    base::Result<void> enter(bool wait, bool interruptible);
    void reap();
    void hand_over();

    RingLayout layout_;
    int fd_;
    std::uint8_t* buffers_;
    std::size_t buffers_size_;
    base::Mutex table_lock_;
    RequestTable table_;
    base::Atomic<std::uint32_t> slot_frees_{0};
    base::Atomic<std::uint32_t> slot_waiters_{0};
    base::Mutex submit_lock_;
    std::uint32_t sq_tail_ = 0;
    base::Atomic<std::uint32_t> unsubmitted_{0};
    base::Mutex reap_lock_;
    std::uint32_t cq_head_ = 0;
    // Moves on every reap that finished a request and when the waiter at
    // the host leaves: the futex followers sleep on.
    base::Atomic<std::uint32_t> posted_{0};
    base::Atomic<std::uint32_t> followers_{0};
};

}  // namespace cella::net::uring
