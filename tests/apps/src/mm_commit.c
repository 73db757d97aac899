/* Pages are committed on first use, not at mmap time: a 256 MiB mapping
   with one page touched costs about one page, as the host's residency
   (mincore) and this process's peak RSS (getrusage) show. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "check.h"

#define PAGE 4096
#define SIZE ((size_t)256 << 20)
/* Transparent huge pages may back a touched page with 2 MiB. */
#define HUGE_PAGE_PAGES 512

static long peak_rss_kb(void) {
    struct rusage usage;
    CHECK(getrusage(RUSAGE_SELF, &usage) == 0);
    return usage.ru_maxrss;
}

static unsigned char resident[SIZE / PAGE];

int main(void) {
    long before = peak_rss_kb();
    char* p = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    CHECK(mincore(p, SIZE, resident) == 0);
    size_t count = 0;
    for (size_t i = 0; i < SIZE / PAGE; ++i) count += resident[i] & 1;
    CHECK(count == 0);

    p[SIZE / 2] = 1;
    CHECK(mincore(p, SIZE, resident) == 0);
    count = 0;
    for (size_t i = 0; i < SIZE / PAGE; ++i) count += resident[i] & 1;
    CHECK(count >= 1 && count <= HUGE_PAGE_PAGES);
    CHECK(resident[SIZE / 2 / PAGE] & 1);

    long grown = peak_rss_kb() - before;
    if (grown > 16 * 1024) {
        fprintf(stderr, "peak RSS grew by %ld KiB for one touched page\n", grown);
        CHECK(0);
    }
    CHECK(munmap(p, SIZE) == 0);
    puts("mm_commit ok");
    return 0;
}
