/* mprotect: splitting and joining mappings (seen in /proc/self/maps),
   protection honoured by the kernel side (read() into a read-only page is
   EFAULT), argument errors, and MAP_GROWSDOWN growing when a syscall or
   the program itself writes just below it. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "check.h"

#define PAGE 4096

static char maps[1 << 16];

static void read_maps(void) { read_whole_file("/proc/self/maps", maps, sizeof maps); }

/* The /proc/self/maps line that holds `address`: its bounds and permissions. */
static int find_mapping(const void* address, uintptr_t* start, uintptr_t* end, char perms[5]) {
    read_maps();
    for (char* line = maps; *line;) {
        char* next = strchr(line, '\n');
        if (next) *next = '\0';
        if (sscanf(line, "%lx-%lx %4s", start, end, perms) == 3 && *start <= (uintptr_t)address &&
            (uintptr_t)address < *end)
            return 1;
        if (!next) break;
        line = next + 1;
    }
    return 0;
}

/* The mapping holding `address` must have these permissions and bounds;
   a bound given as NULL only has to lie beyond `address`'s neighbour
   pages (Linux joins neighbouring anonymous mappings that look alike). */
static void expect_mapping(const void* address, const void* start, const void* end, const char* perms) {
    uintptr_t s, e;
    char p[5];
    CHECK(find_mapping(address, &s, &e, p));
    if ((start && s != (uintptr_t)start) || (end && e != (uintptr_t)end) || strcmp(p, perms) != 0) {
        fprintf(stderr, "mapping at %p is %lx-%lx %s, expected %p-%p %s\n", address, s, e, p, start, end, perms);
        CHECK(0);
    }
}

static void test_split_and_join(void) {
    char* p = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    memset(p, 'x', 3 * PAGE);
    CHECK(mprotect(p + PAGE, PAGE, PROT_READ) == 0);
    expect_mapping(p, NULL, p + PAGE, "rw-p");
    expect_mapping(p + PAGE, p + PAGE, p + 2 * PAGE, "r--p");
    expect_mapping(p + 2 * PAGE, p + 2 * PAGE, NULL, "rw-p");
    /* The kernel side honours it: read() may not write a read-only page. */
    int zero = open("/dev/zero", O_RDONLY);
    CHECK(zero >= 0);
    CHECK(read(zero, p + PAGE, 16) == -1 && errno == EFAULT);
    CHECK(read(zero, p, 16) == 16 && p[0] == 0);
    CHECK(p[PAGE] == 'x');
    /* Nor write() read a page with no access. */
    CHECK(mprotect(p + 2 * PAGE, PAGE, PROT_NONE) == 0);
    int sink = open("/tmp/mm_protect_sink", O_WRONLY | O_CREAT | O_TRUNC, 0600);
    CHECK(sink >= 0);
    CHECK(write(sink, p + 2 * PAGE, 16) == -1 && errno == EFAULT);
    expect_mapping(p + 2 * PAGE, p + 2 * PAGE, NULL, "---p");
    /* Back to one protection: one mapping again, contents kept. */
    CHECK(mprotect(p, 3 * PAGE, PROT_READ | PROT_WRITE) == 0);
    uintptr_t s, e;
    char perms[5];
    CHECK(find_mapping(p + PAGE, &s, &e, perms) && s <= (uintptr_t)p && e >= (uintptr_t)(p + 3 * PAGE));
    CHECK(p[PAGE] == 'x' && p[3 * PAGE - 1] == 'x');
    close(zero);
    close(sink);
    CHECK(unlink("/tmp/mm_protect_sink") == 0);
    CHECK(munmap(p, 3 * PAGE) == 0);
}

static void test_errors(void) {
    char* p = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    /* musl's mprotect rounds the address down itself: ask the kernel directly. */
    CHECK(syscall(SYS_mprotect, p + 1, PAGE, PROT_READ) == -1 && errno == EINVAL);
    CHECK(mprotect(p, PAGE, PROT_READ | 0x10000) == -1 && errno == EINVAL);
    CHECK(mprotect(p, PAGE, PROT_READ | PROT_GROWSUP) == -1 && errno == EINVAL);
    CHECK(mprotect(p, PAGE, PROT_READ | PROT_GROWSDOWN) == -1 && errno == EINVAL); /* not a growsdown mapping */
    CHECK(mprotect(p, 0, PROT_READ) == 0);
    CHECK(munmap(p + PAGE, PAGE) == 0);
    CHECK(mprotect(p, 3 * PAGE, PROT_READ) == -1 && errno == ENOMEM);
    CHECK(munmap(p, 3 * PAGE) == 0);

    /* A shared mapping of a file opened read-only can never be written. */
    int fd = open("/tmp/mm_protect_file", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0 && ftruncate(fd, PAGE) == 0 && close(fd) == 0);
    fd = open("/tmp/mm_protect_file", O_RDONLY);
    CHECK(fd >= 0);
    CHECK(mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED && errno == EACCES);
    char* ro = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
    CHECK(ro != MAP_FAILED);
    CHECK(mprotect(ro, PAGE, PROT_READ | PROT_WRITE) == -1 && errno == EACCES);
    /* A private one can: its pages are the process's own. */
    char* private = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 0);
    CHECK(private != MAP_FAILED && mprotect(private, PAGE, PROT_READ | PROT_WRITE) == 0);
    private[0] = 1;
    CHECK(munmap(ro, PAGE) == 0 && munmap(private, PAGE) == 0 && close(fd) == 0);
    CHECK(unlink("/tmp/mm_protect_file") == 0);
}

/* A MAP_GROWSDOWN mapping grows when the kernel writes just below it. */
static void test_growsdown(void) {
    /* Room: nothing within the stack guard gap (1 MiB) below. */
    char* area = mmap(NULL, 4 << 20, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(area != MAP_FAILED && munmap(area, 4 << 20) == 0);
    char* top = area + (3 << 20);
    char* stack = mmap(top, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN | MAP_FIXED, -1, 0);
    CHECK(stack == top);
    int zero = open("/dev/zero", O_RDONLY);
    CHECK(zero >= 0);
    memset(stack, 's', PAGE);
    CHECK(read(zero, stack - 3 * PAGE, 16) == 16);
    uintptr_t s, e;
    char perms[5];
    CHECK(find_mapping(stack - 3 * PAGE, &s, &e, perms) && s == (uintptr_t)(stack - 3 * PAGE) &&
          e == (uintptr_t)(stack + PAGE));
    CHECK(stack[0] == 's');
    /* So does a store of the program's own, through the fault it takes. */
    stack[-5 * PAGE] = 'g';
    CHECK(find_mapping(stack - 5 * PAGE, &s, &e, perms) && s == (uintptr_t)(stack - 5 * PAGE) &&
          e == (uintptr_t)(stack + PAGE) && stack[-5 * PAGE] == 'g');
    /* PROT_GROWSDOWN applies a change down to the bottom of the stack. */
    CHECK(mprotect(stack, PAGE, PROT_READ | PROT_GROWSDOWN) == 0);
    CHECK(find_mapping(stack - 3 * PAGE, &s, &e, perms) && strcmp(perms, "r--p") == 0);
    CHECK(mprotect(stack, PAGE, PROT_READ | PROT_WRITE | PROT_GROWSDOWN) == 0);
    /* A mapping inside the guard gap below stops the growth. */
    char* neighbour = mmap(stack - (512 << 10), PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
                           -1, 0);
    CHECK(neighbour != MAP_FAILED);
    CHECK(read(zero, stack - 8 * PAGE, 16) == -1 && errno == EFAULT);
    close(zero);
    CHECK(munmap(neighbour, PAGE) == 0 && munmap(stack - 5 * PAGE, 6 * PAGE) == 0);
}

int main(void) {
    test_split_and_join();
    test_errors();
    test_growsdown();
    puts("mm_protect ok");
    return 0;
}
