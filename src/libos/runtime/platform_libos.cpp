// The base library's platform hooks inside the LibOS.
#include "libos/base/alloc.h"
#include "libos/base/format.h"
#include "libos/base/panic.h"
#include "libos/base/platform.h"
#include "libos/host/host.h"
#include "libos/mm/heap.h"
#include "log.h"

namespace cella::base {

void* allocate(std::size_t size) { return mm::kernel_heap().allocate(size); }
void deallocate(void* ptr) { mm::kernel_heap().deallocate(ptr); }

[[noreturn]] void panic(const char* message, const char* file, int line) {
    char text[512];
    std::size_t n = format_to(text, sizeof text, "cella: LibOS panic: %s (%s:%d)\n", message, file, line);
    host::write_all(log::host_stderr(), text, n < sizeof text ? n : sizeof text - 1);
    // 70 is EX_SOFTWARE: an internal error, distinct from any app status.
    host::exit_group(70);
}

namespace platform {
void futex_wait(std::uint32_t* word, std::uint32_t expected) { host::futex_wait(word, expected); }
void futex_wake(std::uint32_t* word, int count) { host::futex_wake(word, count); }
void cpu_relax() { __builtin_ia32_pause(); }
}  // namespace platform

}  // namespace cella::base
