/* mmap and munmap: argument errors, unmapping any part, MAP_FIXED
   replacing what is there, MAP_FIXED_NOREPLACE, the accepted flags,
   MAP_SHARED anonymous memory, mincore, madvise and msync on anonymous
   memory, and a request larger than resource_limits.user_space_size. */
#define _GNU_SOURCE
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"

#define PAGE 4096

static char* map_pages(size_t pages, int flags) {
    char* p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | flags, -1, 0);
    CHECK(p != MAP_FAILED);
    CHECK((uintptr_t)p % PAGE == 0);
    return p;
}

/* Whether the page is mapped, as mincore tells (ENOMEM when it is not). */
static int is_mapped(const void* page) {
    unsigned char resident;
    if (mincore((void*)page, PAGE, &resident) == 0) return 1;
    CHECK(errno == ENOMEM);
    return 0;
}

static void fill(char* p, size_t pages) {
    for (size_t i = 0; i < pages; ++i) memset(p + i * PAGE, 'a' + (int)i, PAGE);
}

static void test_errors(void) {
    errno = 0;
    CHECK(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED && errno == EINVAL);
    char* p = map_pages(2, 0);
    CHECK(mmap(p + 1, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED && errno == EINVAL);
    CHECK(mmap(NULL, PAGE, PROT_READ, MAP_ANONYMOUS, -1, 0) == MAP_FAILED && errno == EINVAL);  /* no type */
    CHECK(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, 12345, 0) == MAP_FAILED && errno == EBADF);
    /* Only file mappings are validated; anonymous ones refuse the type. */
    CHECK(mmap(NULL, PAGE, PROT_READ, MAP_SHARED_VALIDATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED && errno == EINVAL);
    CHECK(munmap(p + 1, PAGE) == -1 && errno == EINVAL);
    CHECK(munmap(p, 0) == -1 && errno == EINVAL);
    CHECK(munmap(p, 2 * PAGE) == 0);
    CHECK(munmap(p, 2 * PAGE) == 0); /* unmapping nothing is fine */
}

/* munmap of the middle, the start and the end of a mapping. */
static void test_unmap_parts(void) {
    char* p = map_pages(6, 0);
    fill(p, 6);
    CHECK(munmap(p + 2 * PAGE, PAGE) == 0);
    CHECK(!is_mapped(p + 2 * PAGE) && is_mapped(p + PAGE) && is_mapped(p + 3 * PAGE));
    CHECK(munmap(p, PAGE) == 0);
    CHECK(munmap(p + 5 * PAGE, 100) == 0); /* the length is rounded up to the page */
    CHECK(!is_mapped(p) && !is_mapped(p + 5 * PAGE));
    CHECK(p[PAGE] == 'b' && p[3 * PAGE] == 'd' && p[4 * PAGE + PAGE - 1] == 'e');
    /* One call over holes and mappings. */
    CHECK(munmap(p, 6 * PAGE) == 0);
    for (int i = 0; i < 6; ++i) CHECK(!is_mapped(p + i * PAGE));
}

static void test_fixed(void) {
    char* p = map_pages(4, 0);
    fill(p, 4);
    /* MAP_FIXED replaces the middle two pages with fresh, zeroed memory. */
    char* q = mmap(p + PAGE, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    CHECK(q == p + PAGE);
    CHECK(p[0] == 'a' && q[0] == 0 && q[2 * PAGE - 1] == 0 && p[3 * PAGE] == 'd');
    /* MAP_FIXED_NOREPLACE refuses a taken range, even partly taken. */
    CHECK(munmap(p + 3 * PAGE, PAGE) == 0);
    errno = 0;
    CHECK(mmap(p + 2 * PAGE, 2 * PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) ==
              MAP_FAILED &&
          errno == EEXIST);
    CHECK(q[PAGE] == 0 && is_mapped(p + 2 * PAGE));
    char* r = mmap(p + 3 * PAGE, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    CHECK(r == p + 3 * PAGE);
    r[0] = 'z';
    CHECK(munmap(p, 4 * PAGE) == 0);
}

static void test_flags(void) {
    /* Accepted and honoured as far as they mean anything here. */
    char* p = map_pages(4, MAP_NORESERVE);
    char* s = map_pages(4, MAP_STACK);
    char* populated = map_pages(8, MAP_POPULATE);
    unsigned char resident[8];
    CHECK(mincore(populated, 8 * PAGE, resident) == 0);
    for (int i = 0; i < 8; ++i) CHECK(resident[i] & 1);
    p[0] = s[0] = populated[0] = 1;
    CHECK(munmap(p, 4 * PAGE) == 0 && munmap(s, 4 * PAGE) == 0 && munmap(populated, 8 * PAGE) == 0);

    /* MAP_SHARED anonymous memory, in one process, is memory. */
    char* shared = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(shared != MAP_FAILED && shared[0] == 0);
    memset(shared, 7, 2 * PAGE);
    CHECK(shared[2 * PAGE - 1] == 7);
    /* MADV_DONTNEED leaves shared pages alone, as Linux's page cache does. */
    CHECK(madvise(shared, 2 * PAGE, MADV_DONTNEED) == 0 && shared[0] == 7);
    CHECK(munmap(shared, 2 * PAGE) == 0);

    /* A stack that grows down cannot be shared. */
    CHECK(mmap(NULL, PAGE, PROT_READ, MAP_SHARED | MAP_ANONYMOUS | MAP_GROWSDOWN, -1, 0) == MAP_FAILED &&
          errno == EINVAL);
}

static void test_advice_and_sync(void) {
    char* p = map_pages(4, 0);
    fill(p, 4);
    CHECK(madvise(p, 4 * PAGE, 12345) == -1 && errno == EINVAL);
    CHECK(madvise(p + 1, PAGE, MADV_DONTNEED) == -1 && errno == EINVAL);
    CHECK(madvise(p, 4 * PAGE, MADV_WILLNEED) == 0 && madvise(p, 4 * PAGE, MADV_SEQUENTIAL) == 0);
    CHECK(madvise(p, 4 * PAGE, MADV_HUGEPAGE) == 0 && madvise(p, 4 * PAGE, MADV_DONTDUMP) == 0);
    CHECK(p[0] == 'a');
    /* DONTNEED on private anonymous memory: zeros afterwards. */
    CHECK(madvise(p + PAGE, 2 * PAGE, MADV_DONTNEED) == 0);
    CHECK(p[0] == 'a' && p[PAGE] == 0 && p[3 * PAGE - 1] == 0 && p[3 * PAGE] == 'd');
    CHECK(madvise(p, PAGE, MADV_FREE) == 0);
    unsigned char resident[4];
    CHECK(mincore(p, 4 * PAGE, resident) == 0 && (resident[3] & 1));

    CHECK(msync(p, 4 * PAGE, MS_SYNC) == 0 && msync(p, 4 * PAGE, MS_ASYNC | MS_INVALIDATE) == 0);
    CHECK(msync(p, PAGE, MS_SYNC | MS_ASYNC) == -1 && errno == EINVAL);
    CHECK(msync(p, PAGE, 0x100) == -1 && errno == EINVAL);
    CHECK(msync(p + 1, PAGE, MS_SYNC) == -1 && errno == EINVAL);
    CHECK(munmap(p + 2 * PAGE, PAGE) == 0);
    CHECK(msync(p, 4 * PAGE, MS_SYNC) == -1 && errno == ENOMEM);
    CHECK(madvise(p, 4 * PAGE, MADV_DONTNEED) == -1 && errno == ENOMEM);
    CHECK(mincore(p, 4 * PAGE, resident) == -1 && errno == ENOMEM);
    CHECK(mincore(p + 1, PAGE, resident) == -1 && errno == EINVAL);
    CHECK(mincore(p, PAGE, (unsigned char*)16) == -1 && errno == EFAULT);
    CHECK(munmap(p, 4 * PAGE) == 0);
}

/* Run with "limit" inside cella, whose test instance has the default 512MB
   user_space_size (a Linux host would grant these requests). */
static void test_limit(void) {
    errno = 0;
    CHECK(mmap(NULL, (size_t)1 << 30, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED &&
          errno == ENOMEM);
    CHECK(mmap(NULL, (size_t)1 << 40, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0) == MAP_FAILED &&
          errno == ENOMEM);
    /* A length that overflows when rounded up to pages. */
    CHECK(mmap(NULL, SIZE_MAX - 10, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED && errno == ENOMEM);
    /* What fits still works afterwards. */
    char* p = map_pages(1, 0);
    p[0] = 1;
    CHECK(munmap(p, PAGE) == 0);
}

int main(int argc, char** argv) {
    test_errors();
    test_unmap_parts();
    test_fixed();
    test_flags();
    test_advice_and_sync();
    if (argc > 1 && strcmp(argv[1], "limit") == 0) test_limit();
    puts("mm_basic ok");
    return 0;
}
