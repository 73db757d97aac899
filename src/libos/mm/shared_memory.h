#pragma once
// A System V shared memory segment's side of its pages (ipc/sysv/shm.h):
// the pages themselves are SharedPages (shared_pages.h), as for every
// shared mapping, and each mapping's Vma::pages points at them; this
// counts the mappings that shmat made.
//
// Every Vma that maps such memory holds a SharedMapping, which counts it:
// like Linux's shm_nattch, a mapping split in two counts twice. When the
// count changes the object hears of it (mapping_closed()), with the
// address space lock held.
#include <cstdint>

#include "libos/base/atomic.h"
#include "libos/base/own_ptr.h"
#include "libos/base/result.h"
#include "shared_pages.h"

namespace cella::mm {

using base::Result;

class SharedMemory : public base::RefCounted<SharedMemory> {
public:
    SharedMemory() = default;
    SharedMemory(const SharedMemory&) = delete;
    SharedMemory& operator=(const SharedMemory&) = delete;
    virtual ~SharedMemory();

    // Makes the pages: `size` bytes (whole pages of them), reading zero.
    Result<void> create(std::uint64_t size);
    std::uint64_t size() const { return size_; }
    const base::RefPtr<SharedPages>& pages() const { return pages_; }
    // Mappings (Vmas) of it in every process.
    int mappings() const { return mappings_.load(base::MemoryOrder::Acquire); }

    // A System V segment, which shmdt may detach.
    virtual bool attached_by_shmat() const { return false; }
    // shmdt detached it (`pid` the caller).
    virtual void detached_by(int pid) { (void)pid; }

    // What /proc/PID/maps shows as its device and inode.
    std::uint64_t dev = 0;
    std::uint64_t ino = 0;

protected:
    // A mapping went (`last`: it was the last one); address space lock held.
    virtual void mapping_closed(bool last) { (void)last; }

private:
    friend class SharedMapping;
    base::RefPtr<SharedPages> pages_;
    std::uint64_t size_ = 0;
    base::Atomic<int> mappings_{0};
};

// A Vma's hold on the shared memory it maps.
class SharedMapping {
public:
    SharedMapping() = default;
    explicit SharedMapping(base::RefPtr<SharedMemory> memory);
    SharedMapping(SharedMapping&& other) : memory_(static_cast<base::RefPtr<SharedMemory>&&>(other.memory_)) {}
    SharedMapping& operator=(SharedMapping&& other);
    SharedMapping(const SharedMapping&) = delete;
    SharedMapping& operator=(const SharedMapping&) = delete;
    ~SharedMapping() { reset(); }

    SharedMapping clone() const { return SharedMapping(memory_); }
    SharedMemory* get() const { return memory_.get(); }
    explicit operator bool() const { return memory_.get() != nullptr; }
    void reset();

private:
    base::RefPtr<SharedMemory> memory_;
};

}  // namespace cella::mm
