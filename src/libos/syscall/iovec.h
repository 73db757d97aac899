#pragma once
// An application's iovec array, for the vectored calls and Linux AIO.
#include <asm-generic/errno.h>

#include <cstdint>
#include <span>

#include "fs_args.h"
#include "libos/base/vector.h"
#include "libos/mm/user_memory.h"

namespace cella::syscall {

inline constexpr std::uint64_t kMaxIovecs = 1024;  // UIO_MAXIOV

using Iovec = mm::UserSegment;

// An application's iovec array, checked as Linux's import_iovec checks it:
// at most UIO_MAXIOV entries, no length with the sign bit, and the total
// cut to MAX_RW_COUNT. Short arrays (nearly every call) stay off the heap.
class IovecList {
public:
    base::Result<void> import(std::uint64_t address, std::uint64_t count) {
        if (count > kMaxIovecs) return base::Error::from_errno(EINVAL);
        Iovec* items = inline_;
        if (count > sizeof inline_ / sizeof inline_[0]) {
            TRY(heap_.try_resize(count));
            items = heap_.data();
        }
        TRY(mm::copy_from_user(items, address, count * sizeof(Iovec)));
        for (std::uint64_t i = 0; i < count; ++i) {
            if (static_cast<std::int64_t>(items[i].length) < 0) return base::Error::from_errno(EINVAL);
            if (items[i].length > kMaxIoCount - total_) items[i].length = kMaxIoCount - total_;
            total_ += items[i].length;
        }
        items_ = {items, count};
        return {};
    }
    std::span<const Iovec> items() const { return items_; }
    std::size_t total() const { return total_; }

private:
    Iovec inline_[8];
    base::Vector<Iovec> heap_;
    std::span<const Iovec> items_;
    std::size_t total_ = 0;
};

}  // namespace cella::syscall
