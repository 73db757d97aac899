#pragma once
// Linux AIO contexts (io_setup and friends). Every request completes when
// it is submitted (the LibOS has no device to wait for), except IOCB_CMD_POLL
// on a file that is not ready, which stays pending until it is or is
// cancelled. Completions go into a ring in the process's memory laid out as
// Linux's struct aio_ring, whose address is the context id: libaio reads
// that ring directly, without a syscall, when it can.
#include <cstdint>

#include "libos/base/lock.h"
#include "libos/base/vector.h"
#include "libos/ipc/waitable.h"
#include "open_file.h"

namespace cella::process {
class Process;
}

namespace cella::fs::aio {

struct IoEvent {
    std::uint64_t data;  // the iocb's aio_data
    std::uint64_t obj;   // the iocb's address
    std::int64_t res;
    std::int64_t res2;
};

class Context : public base::RefCounted<Context> {
public:
    Context(int owner, std::uint64_t ring, std::uint64_t ring_bytes, unsigned entries)
        : owner_(owner), ring_(ring), ring_bytes_(ring_bytes), entries_(entries) {}

    std::uint64_t id() const { return ring_; }
    int owner() const { return owner_; }
    std::uint64_t ring_bytes() const { return ring_bytes_; }

    // Room for one more request (EAGAIN when the ring could not take its event).
    Result<void> reserve();
    Result<void> complete(const IoEvent& event);
    // IOCB_CMD_POLL: completes now (true) if `file` has any of `events`,
    // or stays pending (false).
    Result<bool> poll(RefPtr<OpenFile> file, std::uint32_t events, std::uint64_t data, std::uint64_t obj);
    // io_cancel: a pending poll completes with 0 (EINPROGRESS); anything else is EINVAL.
    Result<void> cancel(std::uint64_t obj);
    // io_getevents: at least min_nr events (unless the time runs out or a
    // signal comes), at most nr; timeout_ns < 0 waits as long as it takes.
    Result<long> get_events(long min_nr, long nr, std::uint64_t events_address, std::int64_t timeout_ns);
    void drop_pending();

private:
    struct PendingPoll {
        RefPtr<OpenFile> file;
        std::uint32_t events;
        std::uint64_t data;
        std::uint64_t obj;
    };
    // lock_ held.
    Result<unsigned> queued();
    Result<void> complete_locked(const IoEvent& event);
    Result<void> complete_ready_polls();

    int owner_;
    std::uint64_t ring_;
    std::uint64_t ring_bytes_;
    unsigned entries_;
    unsigned tail_ = 0;
    base::Mutex lock_;
    base::Vector<PendingPoll> polls_;
    ipc::Waitable completed_;
};

// io_setup: a new context for `process` able to hold `requests` events.
Result<std::uint64_t> setup(process::Process& process, unsigned requests);
// The context `id` of `process`; EINVAL if there is none.
Result<RefPtr<Context>> find(process::Process& process, std::uint64_t id);
// io_destroy: pending polls are dropped and the ring is unmapped.
Result<void> destroy(process::Process& process, std::uint64_t id);

}  // namespace cella::fs::aio
