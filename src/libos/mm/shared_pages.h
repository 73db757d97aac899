#pragma once
// Pages that every mapping of them, in any process, sees as one copy at
// once: the page cache of a file (ramfs keeps a file's bytes in one once
// the file is large, sparse or mapped shared: fs/ramfs/file_data.h) and
// shared anonymous memory. A System V shared memory segment is the same
// thing: make one with create() and map it with MapRequest::pages.
//
// The host holds the pages (a memfd in sim). A MAP_SHARED mapping is a
// host mapping of them at the application's address, and read()/write()
// of the file copy from and to the same pages, so a store through one
// mapping is seen at once by every other mapping and by read(), with no
// write-back; futexes on them are shared between processes because the
// host keys a shared futex by the page, not the address. Holes cost
// nothing: the host allocates a page when it is first written, through a
// mapping or by write(); an access past the last page gives SIGBUS, as
// Linux does past the end of a file. Every result from the host is
// checked by the host interface.
#include <cstdint>
#include <span>

#include "libos/base/atomic.h"
#include "libos/base/own_ptr.h"
#include "libos/base/result.h"
#include "libos/host/host.h"

namespace cella::mm {

using base::Result;

class SharedPages : public base::RefCounted<SharedPages> {
public:
    // `size` bytes, all zero and none allocated yet.
    static Result<base::RefPtr<SharedPages>> create(std::uint64_t size);
    explicit SharedPages(int handle) : handle_(handle) {}
    ~SharedPages() { host::shared_memory_close(handle_); }
    SharedPages(const SharedPages&) = delete;
    SharedPages& operator=(const SharedPages&) = delete;

    // Short only at the end.
    Result<std::size_t> read(std::uint64_t offset, std::span<std::uint8_t> out) const;
    // Everything, or an error; grows the size when writing past it.
    Result<void> write(std::uint64_t offset, std::span<const std::uint8_t> data) const;
    // Shrinking drops the pages past the new size from every mapping
    // (which then gives SIGBUS there) and zeroes the tail of the last one.
    Result<void> resize(std::uint64_t size) const;
    // fallocate(2) modes as tmpfs has them.
    Result<void> allocate(int mode, std::uint64_t offset, std::uint64_t length) const;
    // Zeroes [offset, offset+length) and gives its whole pages back.
    Result<void> punch_hole(std::uint64_t offset, std::uint64_t length) const;
    // SEEK_DATA / SEEK_HOLE from `offset`, below `size` (the caller's
    // idea of the end, which bounds the host's answer).
    Result<std::uint64_t> seek(std::uint64_t offset, bool hole, std::uint64_t size) const;
    Result<host::SharedMemoryUsage> usage() const { return host::shared_memory_usage(handle_); }
    std::uint64_t size() const { return size_.load(base::MemoryOrder::Acquire); }
    // Whether [offset, offset+length) lies in pages that exist: past the
    // last one an access gives SIGBUS, which the LibOS must not take.
    bool holds(std::uint64_t offset, std::uint64_t length) const;
    // Address space locked: maps [offset, offset+length) at `address`
    // with `prot`, over what the LibOS holds there (`replace`) or only
    // where nothing is mapped.
    Result<void> map(std::uint64_t address, std::uint64_t length, int prot, std::uint64_t offset, bool replace) const;

private:
    void grow_to(std::uint64_t end) const;

    int handle_;
    // What the LibOS made it (the host is not asked).
    mutable base::Atomic<std::uint64_t> size_{0};
};

}  // namespace cella::mm
