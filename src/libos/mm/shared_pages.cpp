#include "shared_pages.h"

#include <asm-generic/errno.h>
#include <linux/falloc.h>

namespace cella::mm {

using base::Error;

Result<base::RefPtr<SharedPages>> SharedPages::create(std::uint64_t size) {
    int handle = TRY(host::shared_memory_create());
    auto pages = base::make_ref<SharedPages>(handle);
    if (pages.is_error()) {
        host::shared_memory_close(handle);
        return pages.error();
    }
    if (size) TRY(pages.value()->resize(size));
    return pages;
}

namespace {

// Moves `total` bytes with a host call that may move fewer (or be
// interrupted) each time; stops early when it moves none.
template <typename Step>
Result<std::size_t> transfer(std::size_t total, Step&& step) {
    std::size_t done = 0;
    while (done < total) {
        Result<std::size_t> n = step(done);
        if (n.is_error()) {
            if (n.error().code() == EINTR) continue;
            return n.error();
        }
        if (n.value() == 0) break;
        done += n.value();
    }
    return done;
}

}  // namespace

void SharedPages::grow_to(std::uint64_t end) const {
    std::uint64_t now = size();
    while (end > now && !size_.compare_exchange(now, end)) {
    }
}

bool SharedPages::holds(std::uint64_t offset, std::uint64_t length) const {
    std::uint64_t pages_end = (size() + 4095) & ~std::uint64_t{4095};
    return offset <= pages_end && length <= pages_end - offset;
}

Result<std::size_t> SharedPages::read(std::uint64_t offset, std::span<std::uint8_t> out) const {
    return transfer(out.size(),
                    [&](std::size_t done) { return host::shared_memory_read(handle_, offset + done, out.subspan(done)); });
}

Result<void> SharedPages::write(std::uint64_t offset, std::span<const std::uint8_t> data) const {
    std::size_t done = TRY(transfer(data.size(), [&](std::size_t done) {
        return host::shared_memory_write(handle_, offset + done, data.subspan(done));
    }));
    grow_to(offset + done);
    if (done < data.size()) return Error::from_errno(ENOSPC);
    return {};
}

Result<void> SharedPages::resize(std::uint64_t size) const {
    // Shrinking: the pages go at the host first, so a racing LibOS access
    // checked against the old size is the only one that can be late.
    TRY(host::shared_memory_resize(handle_, size));
    size_.store(size, base::MemoryOrder::Release);
    return {};
}

Result<void> SharedPages::allocate(int mode, std::uint64_t offset, std::uint64_t length) const {
    TRY(host::shared_memory_allocate(handle_, mode, offset, length));
    if (!(mode & FALLOC_FL_KEEP_SIZE)) grow_to(offset + length);
    return {};
}

Result<void> SharedPages::punch_hole(std::uint64_t offset, std::uint64_t length) const {
    return allocate(FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, length);
}

Result<std::uint64_t> SharedPages::seek(std::uint64_t offset, bool hole, std::uint64_t size) const {
    std::uint64_t at = TRY(host::shared_memory_seek(handle_, offset, hole));
    // The end of the file counts as a hole, and nothing lies past it.
    if (at > size) return hole ? Result<std::uint64_t>(size) : Error::from_errno(ENXIO);
    return at;
}

Result<void> SharedPages::map(std::uint64_t address, std::uint64_t length, int prot, std::uint64_t offset,
                              bool replace) const {
    return host::map_shared(address, length, prot, handle_, offset, replace);
}

}  // namespace cella::mm
