#pragma once
// What every sim host call does with the raw result of a host syscall.
#include <linux/errno.h>

#include <cstddef>

#include "libos/base/result.h"

namespace cella::host::sim {

inline base::Result<long> checked(long value) {
    if (value < 0 && value > -4096) return base::Error::from_errno(static_cast<int>(-value));
    return value;
}

inline base::Result<std::size_t> checked_count(long value, std::size_t asked) {
    long count = TRY(checked(value));
    // A host that claims more than was asked is lying; treat it as an I/O error.
    if (static_cast<unsigned long>(count) > asked) return base::Error::from_errno(EIO);
    return static_cast<std::size_t>(count);
}

inline base::Result<void> checked_void(long value) {
    TRY(checked(value));
    return {};
}

}  // namespace cella::host::sim
