#pragma once
// Robust futexes (set_robust_list): when a thread ends holding a robust
// mutex, the mutex is marked FUTEX_OWNER_DIED and a waiter is woken, as
// the kernel's exit_robust_list does.
#include "process.h"

namespace cella::process {

void release_robust_futexes(Thread& thread);

}  // namespace cella::process
