#pragma once
// A signal mask that holds for the length of one call.
#include <asm-generic/errno.h>

#include <cstdint>

#include "libos/base/lock.h"
#include "libos/mm/user_memory.h"
#include "libos/process/current.h"
#include "libos/process/signals.h"

namespace cella::syscall {

// ppoll/pselect6/epoll_pwait(2)/io_pgetevents: the mask given holds while waiting and, if
// a handler interrupts the call, during the handler; otherwise the old one
// comes back on every return, errors included (Linux's
// restore_saved_sigmask_unless).
class TemporaryMask {
public:
    TemporaryMask(std::uint64_t mask_address, std::uint64_t size) {
        if (!mask_address) return;
        if (size != 8) {
            error_ = EINVAL;
            return;
        }
        auto mask = mm::read_user<std::uint64_t>(mask_address);
        if (mask.is_error()) {
            error_ = EFAULT;
            return;
        }
        active_ = true;
        old_ = process::current_thread().signal_mask;
        process::set_signal_mask(process::current_thread(), mask.value());
    }
    TemporaryMask(const TemporaryMask&) = delete;
    TemporaryMask& operator=(const TemporaryMask&) = delete;
    ~TemporaryMask() {
        if (active_) process::set_signal_mask(process::current_thread(), old_);
    }
    int error() const { return error_; }
    // The call was interrupted: the mask stays until the handler has run,
    // and return_to_user puts the old one back.
    void keep_for_handler() {
        if (!active_) return;
        active_ = false;
        base::ScopedLock guard(process::current_process().signal_lock());
        process::current_thread().mask_after_handler = old_;
        process::current_thread().restore_mask_after_handler = true;
    }

private:
    bool active_ = false;
    int error_ = 0;
    std::uint64_t old_ = 0;
};

}  // namespace cella::syscall
