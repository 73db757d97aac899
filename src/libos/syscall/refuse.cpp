// Calls refused by design, logged once per syscall number.
#include "syscall.h"
#include "syscall_names.h"
#include "libos/runtime/log.h"

namespace cella::syscall {

Result<long> refuse(long nr, int error, const char* why) {
    static std::uint64_t logged[(kSyscallCount + 63) / 64];
    if (nr >= 0 && nr < kSyscallCount) {
        std::uint64_t bit = std::uint64_t{1} << (nr % 64);
        if (!(__atomic_fetch_or(&logged[nr / 64], bit, __ATOMIC_RELAXED) & bit)) {
            const char* name = syscall_name(nr);
            log::debug("%s: %s", name ? name : "syscall", why);
        }
    }
    return Error::from_errno(error);
}

}  // namespace cella::syscall
