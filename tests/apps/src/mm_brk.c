/* brk: growing and shrinking the heap, memory given back reading zero
   when it comes back, and (with "limit", inside cella, whose test
   instance has process.default_heap_size 32MB) the configured limit. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "check.h"

#define MiB (1024 * 1024)

/* The raw call: libc's sbrk caches the break and hides failures. */
static char* set_break(char* wanted) { return (char*)syscall(SYS_brk, wanted); }

int main(int argc, char** argv) {
    char* start = set_break(NULL);
    CHECK(start != NULL && start == set_break(NULL));
    /* Below the heap's start: refused, the break stays. */
    CHECK(set_break((char*)4096) == start);

    char* top = set_break(start + MiB);
    CHECK(top == start + MiB);
    memset(start, 'h', MiB);
    CHECK(start[MiB - 1] == 'h');
    /* Not page-aligned is fine: the break is what was asked. */
    CHECK(set_break(start + MiB + 10) == start + MiB + 10);

    /* Shrink, then grow again: what came back reads zero. */
    char* low = (char*)(((uintptr_t)start + 4095) & ~(uintptr_t)4095) + 4096;
    CHECK(set_break(low) == low);
    CHECK(set_break(start + MiB) == start + MiB);
    CHECK(low[0] == 0 && low[4096] == 0 && start[MiB - 1] == 0);
    CHECK(start[0] == 'h');

    if (argc > 1 && strcmp(argv[1], "limit") == 0) {
        /* Past the limit: refused, the break stays where it was. */
        CHECK(set_break(start + 64 * MiB) == start + MiB);
        CHECK(set_break(start + 20 * MiB) == start + 20 * MiB);
        start[20 * MiB - 1] = 1;
        CHECK(set_break(start + MiB) == start + MiB);
    }
    puts("mm_brk ok");
    return 0;
}
