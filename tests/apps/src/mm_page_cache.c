/* A file in /tmp has one copy of its pages: write()/pwrite() show in every
   MAP_SHARED mapping at once, a store through a mapping shows in read()
   and in other mappings at once, with no msync; truncating drops the
   pages past the end (SIGBUS there, the tail of the last page reads zero)
   and growing brings them back as zeros; MADV_REMOVE punches a hole;
   remap_file_pages and mremap(old_size 0) map the same pages again; a
   file of the read-only image mapped shared stays read-only. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

#define PAGE 4096
#define PATH "/tmp/mm_page_cache"

static sigjmp_buf g_jump;
static volatile int g_signal;
static void* volatile g_fault_address;

static void on_fault(int signal, siginfo_t* info, void* context) {
    (void)context;
    g_signal = signal;
    g_fault_address = info->si_addr;
    siglongjmp(g_jump, 1);
}

/* The signal that reading *p raises, or 0. */
static int touch(volatile char* p) {
    g_signal = 0;
    if (sigsetjmp(g_jump, 1) == 0) (void)*p;
    return g_signal;
}

static char byte_at(int fd, off_t offset) {
    char c = 0;
    CHECK(pread(fd, &c, 1, offset) == 1);
    return c;
}

static void test_coherence(int fd) {
    char* a = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    char* b = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(a != MAP_FAILED && b != MAP_FAILED && a != b);
    /* write() reaches both mappings. */
    CHECK(pwrite(fd, "hello", 5, PAGE + 10) == 5);
    CHECK(memcmp(a + PAGE + 10, "hello", 5) == 0 && memcmp(b + PAGE + 10, "hello", 5) == 0);
    /* A store through one mapping: the other and read() see it. */
    memcpy(a + 3 * PAGE + 1, "store", 5);
    CHECK(memcmp(b + 3 * PAGE + 1, "store", 5) == 0);
    char text[6] = {0};
    CHECK(pread(fd, text, 5, 3 * PAGE + 1) == 5 && strcmp(text, "store") == 0);
    /* write() from a buffer in the mapping itself, into the mapping. */
    CHECK(pwrite(fd, a + PAGE + 10, 5, 20) == 5);
    CHECK(memcmp(b + 20, "hello", 5) == 0);
    /* msync has nothing to add, and its checks are Linux's. */
    CHECK(msync(a, 4 * PAGE, MS_SYNC) == 0 && msync(a, PAGE, MS_ASYNC | MS_INVALIDATE) == 0);
    CHECK(memcmp(a + 3 * PAGE + 1, "store", 5) == 0);
    errno = 0;
    CHECK(msync(a, PAGE, MS_SYNC | MS_ASYNC) == -1 && errno == EINVAL);
    CHECK(msync(a + 1, PAGE, MS_SYNC) == -1 && errno == EINVAL);
    /* The pages are resident: mincore says so for both mappings. */
    unsigned char residency[4];
    CHECK(mincore(b, 4 * PAGE, residency) == 0 && (residency[1] & 1) && (residency[3] & 1));
    /* MADV_DONTNEED keeps a shared mapping's contents. */
    CHECK(madvise(a, 4 * PAGE, MADV_DONTNEED) == 0 && memcmp(a + PAGE + 10, "hello", 5) == 0);
    /* MADV_REMOVE punches a hole in the file itself. */
    CHECK(madvise(b + PAGE, PAGE, MADV_REMOVE) == 0);
    CHECK(a[PAGE + 10] == 0 && byte_at(fd, PAGE + 10) == 0 && byte_at(fd, 20) == 'h');
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && st.st_size == 4 * PAGE);
    /* A private mapping keeps its stores to itself. */
    char* p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    CHECK(p != MAP_FAILED && p[20] == 'h');
    p[20] = 'P';
    CHECK(a[20] == 'h' && byte_at(fd, 20) == 'h');
    CHECK(munmap(p, PAGE) == 0 && munmap(a, 4 * PAGE) == 0 && munmap(b, 4 * PAGE) == 0);
    /* What was stored stays in the file after every mapping is gone. */
    CHECK(byte_at(fd, 3 * PAGE + 1) == 's');
}

static void test_truncate(int fd) {
    char* a = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(a != MAP_FAILED);
    memset(a, 'x', 4 * PAGE);
    CHECK(ftruncate(fd, PAGE + 100) == 0);
    /* Past the last page: SIGBUS; the tail of the last page reads zero. */
    CHECK(touch(a + 2 * PAGE) == SIGBUS && g_fault_address == a + 2 * PAGE);
    CHECK(touch(a + 3 * PAGE + 5) == SIGBUS);
    CHECK(touch(a + PAGE + 99) == 0 && a[PAGE + 99] == 'x' && a[PAGE + 100] == 0 && a[2 * PAGE - 1] == 0);
    /* A system call given a buffer there fails with EFAULT. */
    int pipe_fds[2];
    CHECK(pipe(pipe_fds) == 0);
    errno = 0;
    CHECK(write(pipe_fds[1], a + 2 * PAGE, 10) == -1 && errno == EFAULT);
    CHECK(write(pipe_fds[1], "0123456789", 10) == 10);
    CHECK(read(pipe_fds[0], a + 3 * PAGE, 10) == -1 && errno == EFAULT);
    CHECK(close(pipe_fds[0]) == 0 && close(pipe_fds[1]) == 0);
    /* Stores past the end of the file in its last page do not grow it. */
    a[PAGE + 200] = 'y';
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && st.st_size == PAGE + 100);
    /* Growing the file brings the pages back, reading zero. */
    CHECK(ftruncate(fd, 4 * PAGE) == 0);
    CHECK(touch(a + 3 * PAGE) == 0 && a[3 * PAGE] == 0 && a[2 * PAGE] == 0);
    CHECK(pwrite(fd, "grown", 5, 3 * PAGE) == 5 && memcmp(a + 3 * PAGE, "grown", 5) == 0);
    CHECK(munmap(a, 4 * PAGE) == 0);
}

static void test_remap(int fd) {
    char* a = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(a != MAP_FAILED);
    CHECK(pwrite(fd, "zero", 4, 0) == 4 && pwrite(fd, "one", 3, PAGE) == 3);
    /* A second view of the same pages. */
    char* view = mremap(a, 0, PAGE, MREMAP_MAYMOVE);
    CHECK(view != MAP_FAILED && view != a);
    view[100] = 'V';
    CHECK(a[100] == 'V' && byte_at(fd, 100) == 'V');
    /* Moving keeps the pages (and what was stored in them). */
    char* moved = mremap(a, 2 * PAGE, 3 * PAGE, MREMAP_MAYMOVE);
    CHECK(moved != MAP_FAILED && memcmp(moved + PAGE, "one", 3) == 0);
    moved[PAGE + 50] = 'M';
    CHECK(byte_at(fd, PAGE + 50) == 'M');
    /* remap_file_pages: the first page now shows the file's second. */
    CHECK(remap_file_pages(moved, PAGE, 0, 1, 0) == 0);
    CHECK(memcmp(moved, "one", 3) == 0 && memcmp(moved + PAGE, "one", 3) == 0);
    /* Two addresses of one page (volatile: the compiler cannot know). */
    volatile char* same = moved;
    same[1] = 'N';
    CHECK(same[PAGE + 1] == 'N');
    errno = 0;
    CHECK(remap_file_pages(moved, PAGE, PROT_READ, 0, 0) == -1 && errno == EINVAL);
    CHECK(munmap(moved, 3 * PAGE) == 0 && munmap(view, PAGE) == 0);
}

static void test_shared_anonymous(void) {
    char* p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED && p[0] == 0 && p[2 * PAGE - 1] == 0);
    char* alias = mremap(p, 0, 2 * PAGE, MREMAP_MAYMOVE);
    CHECK(alias != MAP_FAILED && alias != p);
    strcpy(p + PAGE, "anon");
    CHECK(strcmp(alias + PAGE, "anon") == 0);
    /* Growing past the end of shared memory: SIGBUS there, as Linux. */
    char* grown = mremap(alias, 2 * PAGE, 3 * PAGE, MREMAP_MAYMOVE);
    CHECK(grown != MAP_FAILED && strcmp(grown + PAGE, "anon") == 0);
    CHECK(touch(grown + 2 * PAGE) == SIGBUS);
    CHECK(madvise(p, 2 * PAGE, MADV_REMOVE) == 0 && grown[PAGE] == 0);
    CHECK(munmap(p, 2 * PAGE) == 0 && munmap(grown, 3 * PAGE) == 0);
}

/* A file of the read-only image (this program) mapped MAP_SHARED twice:
   both mappings show it, and neither can be made writable. */
static void test_read_only_file(void) {
    int fd = open("/proc/self/exe", O_RDONLY);
    CHECK(fd >= 0);
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && st.st_size > PAGE);
    char* a = mmap(NULL, st.st_size, PROT_READ, MAP_SHARED, fd, 0);
    char* b = mmap(NULL, st.st_size, PROT_READ, MAP_SHARED, fd, 0);
    CHECK(a != MAP_FAILED && b != MAP_FAILED && a != b);
    CHECK(memcmp(a, "\177ELF", 4) == 0 && memcmp(a, b, st.st_size) == 0);
    char last = 0;
    CHECK(pread(fd, &last, 1, st.st_size - 1) == 1 && a[st.st_size - 1] == last);
    errno = 0;
    CHECK(mprotect(a, PAGE, PROT_READ | PROT_WRITE) == -1 && errno == EACCES);
    CHECK(madvise(b, PAGE, MADV_REMOVE) == -1 && errno == EACCES);
    CHECK(mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED && errno == EACCES);
    CHECK(munmap(a, st.st_size) == 0 && munmap(b, st.st_size) == 0 && close(fd) == 0);
}

int main(void) {
    struct sigaction action = {0};
    action.sa_sigaction = on_fault;
    action.sa_flags = SA_SIGINFO;
    CHECK(sigaction(SIGBUS, &action, NULL) == 0 && sigaction(SIGSEGV, &action, NULL) == 0);

    int fd = open(PATH, O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0 && ftruncate(fd, 4 * PAGE) == 0);
    test_coherence(fd);
    test_truncate(fd);
    test_remap(fd);
    test_shared_anonymous();
    test_read_only_file();
    CHECK(close(fd) == 0 && unlink(PATH) == 0);
    puts("mm_page_cache ok");
    return 0;
}
