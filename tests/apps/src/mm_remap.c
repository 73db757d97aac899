/* mremap: shrinking, growing in place, moving with the contents,
   MREMAP_FIXED, MREMAP_DONTUNMAP, the old_size 0 rules, file mappings
   keeping their offset, and the argument errors. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"

#define PAGE 4096

static char* map_pages(void* at, size_t pages, int extra) {
    char* p = mmap(at, pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | extra, -1, 0);
    CHECK(p != MAP_FAILED);
    return p;
}

static int is_mapped(const void* page) {
    unsigned char resident;
    if (mincore((void*)page, PAGE, &resident) == 0) return 1;
    CHECK(errno == ENOMEM);
    return 0;
}

static void fill(char* p, size_t pages) {
    for (size_t i = 0; i < pages; ++i) memset(p + i * PAGE, 'a' + (int)i, PAGE);
}

static void expect_filled(const char* p, size_t pages) {
    for (size_t i = 0; i < pages; ++i) CHECK(p[i * PAGE] == 'a' + (int)i && p[i * PAGE + PAGE - 1] == 'a' + (int)i);
}

/* Free room of `pages` pages, returned unmapped. */
static char* free_room(size_t pages) {
    char* p = map_pages(NULL, pages, 0);
    CHECK(munmap(p, pages * PAGE) == 0);
    return p;
}

static void test_shrink_and_grow_in_place(void) {
    char* room = free_room(8);
    char* p = map_pages(room, 4, MAP_FIXED);
    fill(p, 4);
    CHECK(mremap(p, 4 * PAGE, 2 * PAGE, 0) == p);
    CHECK(!is_mapped(p + 2 * PAGE) && !is_mapped(p + 3 * PAGE));
    expect_filled(p, 2);
    /* The pages after it are free: it grows where it is, new pages zero. */
    CHECK(mremap(p, 2 * PAGE, 6 * PAGE, 0) == p);
    expect_filled(p, 2);
    CHECK(p[2 * PAGE] == 0 && p[6 * PAGE - 1] == 0);
    p[6 * PAGE - 1] = 'z';
    /* Taken after it and no MREMAP_MAYMOVE: ENOMEM, nothing changed. */
    char* blocker = map_pages(p + 6 * PAGE, 1, MAP_FIXED);
    CHECK(mremap(p, 6 * PAGE, 8 * PAGE, 0) == MAP_FAILED && errno == ENOMEM);
    CHECK(p[6 * PAGE - 1] == 'z');
    /* Same size: nothing to do. */
    CHECK(mremap(p, 6 * PAGE, 6 * PAGE, 0) == p);
    CHECK(munmap(p, 6 * PAGE) == 0 && munmap(blocker, PAGE) == 0);
}

static void test_move(void) {
    char* room = free_room(4);
    char* p = map_pages(room, 3, MAP_FIXED);
    fill(p, 3);
    char* blocker = map_pages(p + 3 * PAGE, 1, MAP_FIXED);
    char* q = mremap(p, 3 * PAGE, 64 * PAGE, MREMAP_MAYMOVE);
    CHECK(q != MAP_FAILED && q != p);
    expect_filled(q, 3);
    CHECK(q[3 * PAGE] == 0 && q[64 * PAGE - 1] == 0);
    CHECK(!is_mapped(p) && !is_mapped(p + 2 * PAGE) && is_mapped(blocker));
    /* A part of a mapping moves too; the rest stays. */
    char* part = mremap(q + PAGE, PAGE, 2 * PAGE, MREMAP_MAYMOVE);
    CHECK(part != MAP_FAILED && part[0] == 'b' && part[PAGE] == 0);
    CHECK(q[0] == 'a' && !is_mapped(q + PAGE) && q[2 * PAGE] == 'c');
    /* Protection moves with the mapping. */
    CHECK(mprotect(part, 2 * PAGE, PROT_READ) == 0);
    char* again = mremap(part, 2 * PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, free_room(2));
    CHECK(again != MAP_FAILED && again[0] == 'b');
    int zero = open("/dev/zero", O_RDONLY);
    CHECK(read(zero, again, 1) == -1 && errno == EFAULT);
    close(zero);
    CHECK(munmap(q, 64 * PAGE) == 0 && munmap(again, 2 * PAGE) == 0 && munmap(blocker, PAGE) == 0);
}

static void test_fixed(void) {
    char* p = map_pages(NULL, 2, 0);
    fill(p, 2);
    /* MREMAP_FIXED replaces what is at the target. */
    char* target = map_pages(NULL, 4, 0);
    memset(target, 'T', 4 * PAGE);
    char* q = mremap(p, 2 * PAGE, 3 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, target);
    CHECK(q == target);
    expect_filled(q, 2);
    CHECK(q[2 * PAGE] == 0 && q[3 * PAGE] == 'T' && !is_mapped(p));
    /* Shrinking while moving. */
    char* r = mremap(q, 3 * PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, p);
    CHECK(r == p && r[0] == 'a' && !is_mapped(q) && !is_mapped(q + 2 * PAGE) && q[3 * PAGE] == 'T');
    /* Errors: FIXED needs MAYMOVE, an aligned target, no overlap. */
    CHECK(mremap(r, PAGE, PAGE, MREMAP_FIXED, q) == MAP_FAILED && errno == EINVAL);
    CHECK(mremap(r, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, q + 1) == MAP_FAILED && errno == EINVAL);
    CHECK(mremap(r, PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, r - PAGE) == MAP_FAILED && errno == EINVAL);
    CHECK(munmap(r, PAGE) == 0 && munmap(q + 3 * PAGE, PAGE) == 0);
}

static void test_dontunmap(void) {
    char* p = map_pages(NULL, 2, 0);
    fill(p, 2);
    char* q = mremap(p, 2 * PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_DONTUNMAP);
    CHECK(q != MAP_FAILED && q != p);
    expect_filled(q, 2);
    /* The old range stays mapped, and private anonymous pages read zero. */
    CHECK(is_mapped(p) && p[0] == 0 && p[2 * PAGE - 1] == 0);
    /* Only with MAYMOVE and the same size. */
    CHECK(mremap(q, 2 * PAGE, 2 * PAGE, MREMAP_DONTUNMAP) == MAP_FAILED && errno == EINVAL);
    CHECK(mremap(q, 2 * PAGE, 3 * PAGE, MREMAP_MAYMOVE | MREMAP_DONTUNMAP) == MAP_FAILED && errno == EINVAL);
    CHECK(munmap(p, 2 * PAGE) == 0 && munmap(q, 2 * PAGE) == 0);
}

static void test_errors(void) {
    char* p = map_pages(NULL, 2, 0);
    CHECK(mremap(p, PAGE, 2 * PAGE, 0x80) == MAP_FAILED && errno == EINVAL);
    CHECK(mremap(p + 1, PAGE, 2 * PAGE, MREMAP_MAYMOVE) == MAP_FAILED && errno == EINVAL);
    CHECK(mremap(p, PAGE, 0, MREMAP_MAYMOVE) == MAP_FAILED && errno == EINVAL);
    /* old_size 0 duplicates only shared mappings. */
    CHECK(mremap(p, 0, PAGE, MREMAP_MAYMOVE) == MAP_FAILED && errno == EINVAL);
    /* The old range must be one mapping. */
    CHECK(mprotect(p + PAGE, PAGE, PROT_READ) == 0);
    CHECK(mremap(p, 2 * PAGE, 4 * PAGE, MREMAP_MAYMOVE) == MAP_FAILED && errno == EFAULT);
    CHECK(munmap(p, 2 * PAGE) == 0);
    CHECK(mremap(p, PAGE, 2 * PAGE, MREMAP_MAYMOVE) == MAP_FAILED && errno == EFAULT);
}

/* A file mapping keeps its offset when it moves and grows. */
static void test_file(void) {
    const char* path = "/tmp/mm_remap_file";
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    char page[PAGE];
    for (int i = 0; i < 5; ++i) {
        memset(page, '0' + i, PAGE);
        CHECK(write(fd, page, PAGE) == PAGE);
    }
    char* room = free_room(3);
    char* p = mmap(room, 2 * PAGE, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, PAGE);
    CHECK(p == room && p[0] == '1' && p[PAGE] == '2');
    char* blocker = map_pages(p + 2 * PAGE, 1, MAP_FIXED);
    char* q = mremap(p, 2 * PAGE, 3 * PAGE, MREMAP_MAYMOVE);
    CHECK(q != MAP_FAILED && q != p);
    CHECK(q[0] == '1' && q[PAGE] == '2' && q[2 * PAGE] == '3' && q[3 * PAGE - 1] == '3');
    /* Grown in place, it still reads the file at the right place. */
    CHECK(mremap(q, 3 * PAGE, 4 * PAGE, 0) == q || errno == ENOMEM);
    if (is_mapped(q + 3 * PAGE)) CHECK(q[3 * PAGE] == '4');
    /* A shared one can be mapped a second time with old_size 0. */
    char* shared = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(shared != MAP_FAILED);
    char* twin = mremap(shared, 0, 2 * PAGE, MREMAP_MAYMOVE);
    CHECK(twin != MAP_FAILED && twin != shared && twin[0] == '0' && twin[PAGE] == '1');
    CHECK(munmap(twin, 2 * PAGE) == 0 && munmap(shared, 2 * PAGE) == 0);
    CHECK(munmap(q, 4 * PAGE) == 0 && munmap(blocker, PAGE) == 0);
    CHECK(close(fd) == 0 && unlink(path) == 0);
}

int main(void) {
    test_shrink_and_grow_in_place();
    test_move();
    test_fixed();
    test_dontunmap();
    test_errors();
    test_file();
    puts("mm_remap ok");
    return 0;
}
