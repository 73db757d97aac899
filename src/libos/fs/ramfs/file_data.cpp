#include "file_data.h"

#include <asm-generic/errno.h>
#include <linux/falloc.h>

#include <cstring>

namespace cella::fs::ramfs {

using base::Error;

namespace {

constexpr std::uint64_t kPage = 4096;
std::uint64_t page_round_up(std::uint64_t v) { return (v + kPage - 1) & ~(kPage - 1); }

// The host cannot hold another object: the file stays in the heap.
bool host_is_full(const Error& error) {
    return error.code() == EMFILE || error.code() == ENFILE || error.code() == ENOMEM;
}

}  // namespace

std::uint64_t FileData::allocated() const {
    base::ScopedLock guard(lock_);
    if (pages_) {
        auto usage = pages_->usage();
        // The host holds no more than the file could have asked for.
        if (!usage.is_error() && usage.value().allocated <= page_round_up(kMaxSize)) return usage.value().allocated;
    }
    return page_round_up(size());
}

Result<void> FileData::move_to_pages() {
    if (pages_) return {};
    auto pages = TRY(mm::SharedPages::create(size()));
    TRY(pages->write(0, inline_.span()));
    pages_ = static_cast<base::RefPtr<mm::SharedPages>&&>(pages);
    inline_ = base::Vector<std::uint8_t>{};
    return {};
}

Result<void> FileData::make_room(std::uint64_t end) {
    if (pages_ || end <= kInlineLimit) return {};
    auto moved = move_to_pages();
    if (moved.is_error() && !host_is_full(moved.error())) return moved.error();
    return {};
}

Result<void> FileData::grow_inline(std::uint64_t size) {
    if (size > inline_.capacity())
        TRY(inline_.try_reserve(size < 2 * inline_.capacity() ? 2 * inline_.capacity() : size));
    return inline_.try_resize(size);  // zero-filled
}

Result<std::size_t> FileData::read(std::uint64_t offset, std::span<std::uint8_t> out) {
    base::ScopedLock guard(lock_);
    std::uint64_t size = this->size();
    if (offset >= size) return std::size_t{0};
    std::size_t n = size - offset < out.size() ? size - offset : out.size();
    if (pages_) return pages_->read(offset, out.first(n));
    std::memcpy(out.data(), inline_.data() + offset, n);
    return n;
}

Result<std::size_t> FileData::write(std::uint64_t offset, std::span<const std::uint8_t> data) {
    if (offset > kMaxSize || data.size() > kMaxSize - offset) return Error::from_errno(EFBIG);
    base::ScopedLock guard(lock_);
    std::uint64_t end = offset + data.size();
    TRY(make_room(end));
    if (pages_) {
        TRY(pages_->write(offset, data));
    } else {
        if (end > inline_.size()) TRY(grow_inline(end));
        std::memcpy(inline_.data() + offset, data.data(), data.size());
    }
    if (end > size()) size_.store(end, base::MemoryOrder::Relaxed);
    return data.size();
}

Result<void> FileData::resize(std::uint64_t size) {
    if (size > kMaxSize) return Error::from_errno(EFBIG);
    base::ScopedLock guard(lock_);
    TRY(make_room(size));
    if (pages_)
        TRY(pages_->resize(size));
    else if (size > inline_.size())
        TRY(grow_inline(size));
    else
        TRY(inline_.try_resize(size));
    size_.store(size, base::MemoryOrder::Relaxed);
    return {};
}

Result<void> FileData::allocate(int mode, std::uint64_t offset, std::uint64_t length) {
    if (mode & ~(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE)) return Error::from_errno(EOPNOTSUPP);
    if (offset > kMaxSize || length > kMaxSize - offset) return Error::from_errno(EFBIG);
    base::ScopedLock guard(lock_);
    TRY(move_to_pages());
    TRY(pages_->allocate(mode, offset, length));
    if (!(mode & FALLOC_FL_KEEP_SIZE) && offset + length > size())
        size_.store(offset + length, base::MemoryOrder::Relaxed);
    return {};
}

Result<std::uint64_t> FileData::seek(std::uint64_t offset, bool hole) {
    base::ScopedLock guard(lock_);
    std::uint64_t size = this->size();
    if (offset >= size) return Error::from_errno(ENXIO);
    // A file in the heap is data from end to end.
    if (!pages_) return hole ? size : offset;
    return pages_->seek(offset, hole, size);
}

Result<base::RefPtr<mm::SharedPages>> FileData::shared_pages() {
    base::ScopedLock guard(lock_);
    TRY(move_to_pages());
    return pages_;
}

}  // namespace cella::fs::ramfs
