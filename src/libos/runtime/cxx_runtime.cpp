// What freestanding C++ code still needs from a runtime: memcmp/strlen,
// operator new/delete onto the LibOS heap, and the pure-virtual trap.
#include <cstddef>

#include "libos/base/alloc.h"
#include "libos/base/panic.h"

extern "C" {

// Eight bytes at a time: a fork's snapshot compares whole pages with it.
__attribute__((visibility("hidden"))) int memcmp(const void* a, const void* b, std::size_t n) {
    const auto* x = static_cast<const unsigned char*>(a);
    const auto* y = static_cast<const unsigned char*>(b);
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        unsigned long u, v;
        __builtin_memcpy(&u, x + i, 8);
        __builtin_memcpy(&v, y + i, 8);
        if (u != v) break;
    }
    for (; i < n; ++i)
        if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
    return 0;
}

__attribute__((visibility("hidden"))) std::size_t strlen(const char* s) {
    std::size_t n = 0;
    while (s[n]) ++n;
    return n;
}

__attribute__((visibility("hidden"))) void* memchr(const void* s, int c, std::size_t n) {
    const auto* p = static_cast<const unsigned char*>(s);
    for (std::size_t i = 0; i < n; ++i)
        if (p[i] == static_cast<unsigned char>(c)) return const_cast<unsigned char*>(p + i);
    return nullptr;
}

__attribute__((visibility("hidden"))) void __cxa_pure_virtual() { CELLA_PANIC("pure virtual call"); }

}  // extern "C"

// Objects are created with make_own/make_ref; these exist because virtual
// destructors reference them.
void* operator new(std::size_t size) {
    void* p = cella::base::allocate(size);
    if (!p) CELLA_PANIC("out of LibOS heap in operator new");
    return p;
}
void operator delete(void* p) noexcept { cella::base::deallocate(p); }
void operator delete(void* p, std::size_t) noexcept { cella::base::deallocate(p); }

// Header-only library parts report misuse (string_view::substr past the
// end, ...) through these; in the LibOS that is a bug, not an exception.
namespace std {
[[noreturn]] void __throw_out_of_range_fmt(const char*, ...) { CELLA_PANIC("out-of-range access in a library template"); }
[[noreturn]] void __throw_out_of_range(const char*) { CELLA_PANIC("out-of-range access in a library template"); }
[[noreturn]] void __throw_length_error(const char*) { CELLA_PANIC("length error in a library template"); }
[[noreturn]] void __throw_logic_error(const char*) { CELLA_PANIC("logic error in a library template"); }
}  // namespace std
