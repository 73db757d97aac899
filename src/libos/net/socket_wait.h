#pragma once
// Blocking in a socket call, with SO_RCVTIMEO/SO_SNDTIMEO: a signal ends
// the wait with ERESTARTSYS when there is no timeout (restarted under
// SA_RESTART) and with EINTR when there is one, as Linux's
// sock_intr_errno; the timeout itself is EAGAIN.
#include <cstdint>

#include "libos/base/result.h"
#include "libos/ipc/waitable.h"

namespace cella::net {

// When a wait of `timeout_ns` from now ends (-1: never).
std::int64_t deadline_after(std::int64_t timeout_ns);
// Sleeps until `waiter` is notified or `deadline` passes.
base::Result<void> wait_until(ipc::Waiter& waiter, std::int64_t deadline);

}  // namespace cella::net
