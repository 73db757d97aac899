// The base library's platform hooks for host-side builds (the CLI and the
// unit tests): libc malloc, abort() and the futex syscall.
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "alloc.h"
#include "panic.h"
#include "platform.h"

namespace cella::base {

void* allocate(std::size_t size) { return std::malloc(size ? size : 1); }
void deallocate(void* ptr) { std::free(ptr); }

[[noreturn]] void panic(const char* message, const char* file, int line) {
    std::fprintf(stderr, "cella: internal error: %s (%s:%d)\n", message, file, line);
    std::abort();
}

namespace platform {
void futex_wait(std::uint32_t* word, std::uint32_t expected) {
    syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, expected, nullptr, nullptr, 0);
}
void futex_wake(std::uint32_t* word, int count) {
    syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, count, nullptr, nullptr, 0);
}
void cpu_relax() { __builtin_ia32_pause(); }
}  // namespace platform

}  // namespace cella::base
