/* Private file mappings read their pages from the file when first touched:
   contents at any offset (zero past the end of the file), writes staying
   private, read(2)/write(2)/open(2) with buffers in untouched pages,
   MADV_DONTNEED bringing the file back, mprotect before the first touch,
   SIGSEGV for what the protection forbids (writes, instruction fetches),
   munmap and mremap of partly touched mappings, and threads touching the
   same pages at once. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

#define PAGE 4096
#define PAGES 40
#define FILE_SIZE (PAGES * PAGE + 123) /* ends in a partial page */
#define MAPPED (PAGES + 1) * PAGE
#define PATH_PAGE 21 /* holds the file's own path, for open(2) */
#define RET_PAGE 30  /* x86 `ret` instructions, for the instruction-fetch check */

static const char* path = "/tmp/mm_lazy_file";

static unsigned char expected(size_t offset) {
    if (offset >= FILE_SIZE) return 0;
    if (offset / PAGE == RET_PAGE) return 0xc3;
    if (offset / PAGE == PATH_PAGE) return offset % PAGE < strlen(path) ? (unsigned char)path[offset % PAGE] : 0;
    return (unsigned char)(offset * 7 + offset / PAGE + 1);
}

static int make_file(void) {
    static unsigned char content[FILE_SIZE];
    for (size_t i = 0; i < FILE_SIZE; ++i) content[i] = expected(i);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    CHECK(write(fd, content, FILE_SIZE) == FILE_SIZE);
    return fd;
}

static void expect_page(const unsigned char* p, size_t offset) {
    for (size_t i = 0; i < PAGE; ++i)
        if (p[i] != expected(offset + i)) {
            fprintf(stderr, "byte at file offset %zu is %d, expected %d\n", offset + i, p[i], expected(offset + i));
            CHECK(0);
        }
}

static unsigned char* map_file(int fd, int prot, size_t pages, off_t offset) {
    unsigned char* p = mmap(NULL, pages * PAGE, prot, MAP_PRIVATE, fd, offset);
    CHECK(p != MAP_FAILED);
    return p;
}

static sigjmp_buf recover;
static volatile void* fault_address;

static void on_fault(int signal, siginfo_t* info, void* context) {
    (void)context;
    fault_address = info->si_addr;
    siglongjmp(recover, signal);
}

/* Whether writing one byte at p raises SIGSEGV. */
static int write_faults(volatile unsigned char* p) {
    fault_address = NULL;
    if (sigsetjmp(recover, 1) == 0) {
        *p = 'w';
        return 0;
    }
    CHECK(fault_address == (void*)p);
    return 1;
}

static void test_contents(int fd) {
    unsigned char* p = map_file(fd, PROT_READ, PAGES + 1, 0);
    /* Scattered first touches, out of order, then every page. */
    size_t probes[] = {17 * PAGE + 5, 3, 39 * PAGE + 4095, 16 * PAGE - 1, 16 * PAGE, PAGES * PAGE + 122,
                       PAGES * PAGE + 123, MAPPED - 1, 8 * PAGE};
    for (size_t i = 0; i < sizeof probes / sizeof *probes; ++i) CHECK(p[probes[i]] == expected(probes[i]));
    for (size_t page = 0; page <= PAGES; ++page) expect_page(p + page * PAGE, page * PAGE);
    CHECK(munmap(p, MAPPED) == 0);

    /* At an offset into the file. */
    p = map_file(fd, PROT_READ, 20, 12 * PAGE);
    CHECK(p[19 * PAGE] == expected(31 * PAGE));
    for (size_t page = 0; page < 20; ++page) expect_page(p + page * PAGE, (12 + page) * PAGE);
    CHECK(munmap(p, 20 * PAGE) == 0);
}

static void test_private_writes(int fd) {
    unsigned char* p = map_file(fd, PROT_READ | PROT_WRITE, PAGES + 1, 0);
    p[25 * PAGE + 9] = 'X';  /* first touch is a write */
    p[PAGES * PAGE + 500] = 'Y'; /* past the end of the file */
    CHECK(p[25 * PAGE + 9] == 'X' && p[25 * PAGE + 10] == expected(25 * PAGE + 10));
    CHECK(p[25 * PAGE + 8] == expected(25 * PAGE + 8));
    unsigned char c;
    CHECK(pread(fd, &c, 1, 25 * PAGE + 9) == 1 && c == expected(25 * PAGE + 9));
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && st.st_size == FILE_SIZE);

    /* MADV_DONTNEED: the pages read the file again. */
    CHECK(madvise(p + 25 * PAGE, PAGE, MADV_DONTNEED) == 0);
    expect_page(p + 25 * PAGE, 25 * PAGE);
    CHECK(madvise(p, MAPPED, MADV_DONTNEED) == 0);
    CHECK(p[PAGES * PAGE + 500] == 0);
    expect_page(p + 3 * PAGE, 3 * PAGE);
    CHECK(munmap(p, MAPPED) == 0);
}

static void test_syscall_buffers(int fd) {
    unsigned char* p = map_file(fd, PROT_READ | PROT_WRITE, PAGES + 1, 0);
    /* read(2) from a pipe into an untouched page. */
    int pipe_fds[2];
    CHECK(pipe(pipe_fds) == 0);
    CHECK(write(pipe_fds[1], "hello", 5) == 5);
    CHECK(read(pipe_fds[0], p + 33 * PAGE + 100, 5) == 5);
    CHECK(memcmp(p + 33 * PAGE + 100, "hello", 5) == 0);
    CHECK(p[33 * PAGE + 99] == expected(33 * PAGE + 99) && p[33 * PAGE + 105] == expected(33 * PAGE + 105));
    /* pread(2) from the file itself into untouched pages, across a page boundary. */
    CHECK(pread(fd, p + 35 * PAGE + 4000, 200, 0) == 200);
    CHECK(memcmp(p + 35 * PAGE + 4000, p, 200) == 0);
    CHECK(p[35 * PAGE + 3999] == expected(35 * PAGE + 3999) && p[36 * PAGE + 104] == expected(36 * PAGE + 104));

    /* write(2) from untouched pages of a read-only mapping. */
    unsigned char* q = map_file(fd, PROT_READ, PAGES + 1, 0);
    CHECK(write(pipe_fds[1], q + 11 * PAGE + 4090, 12) == 12);
    unsigned char buffer[12];
    CHECK(read(pipe_fds[0], buffer, 12) == 12);
    for (int i = 0; i < 12; ++i) CHECK(buffer[i] == expected(11 * PAGE + 4090 + i));
    /* read(2) into a read-only page is still EFAULT. */
    CHECK(write(pipe_fds[1], "x", 1) == 1);
    CHECK(read(pipe_fds[0], q + 12 * PAGE, 1) == -1 && errno == EFAULT);
    /* A path string in an untouched page. */
    int again = open((const char*)q + PATH_PAGE * PAGE, O_RDONLY);
    CHECK(again >= 0 && close(again) == 0);
    CHECK(close(pipe_fds[0]) == 0 && close(pipe_fds[1]) == 0);
    CHECK(munmap(p, MAPPED) == 0 && munmap(q, MAPPED) == 0);
}

static void test_protection(int fd) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO;
    CHECK(sigaction(SIGSEGV, &sa, NULL) == 0);

    /* A write the protection forbids faults, touched before or not. */
    unsigned char* p = map_file(fd, PROT_READ, PAGES + 1, 0);
    CHECK(write_faults(p + 5 * PAGE + 3));
    CHECK(p[5 * PAGE + 3] == expected(5 * PAGE + 3));
    CHECK(write_faults(p + 5 * PAGE + 3));
    CHECK(p[6 * PAGE] == expected(6 * PAGE));
    CHECK(write_faults(p + 6 * PAGE));
    /* So does running code from a page without PROT_EXEC. */
    void (*code)(void) = (void (*)(void))(p + RET_PAGE * PAGE);
    fault_address = NULL;
    int caught = sigsetjmp(recover, 1);
    if (caught == 0) {
        code();
        CHECK(!"ran code from a page without PROT_EXEC");
    }
    CHECK(caught == SIGSEGV && fault_address == (void*)code);
    /* mprotect before the first touch: the new protection holds. */
    CHECK(mprotect(p + 2 * PAGE, 3 * PAGE, PROT_READ | PROT_WRITE) == 0);
    p[3 * PAGE + 1] = 'M';
    CHECK(p[3 * PAGE + 1] == 'M' && p[3 * PAGE] == expected(3 * PAGE));
    expect_page(p + 2 * PAGE, 2 * PAGE);
    expect_page(p + 4 * PAGE, 4 * PAGE);
    CHECK(write_faults(p + 5 * PAGE));
    CHECK(write_faults(p + PAGE));
    CHECK(mprotect(p + 20 * PAGE, 4 * PAGE, PROT_NONE) == 0);
    fault_address = NULL;
    volatile unsigned char* hidden = p + 21 * PAGE;
    caught = sigsetjmp(recover, 1);
    if (caught == 0) {
        (void)*hidden;
        CHECK(!"read a PROT_NONE page");
    }
    CHECK(caught == SIGSEGV && fault_address == (void*)hidden);
    CHECK(mprotect(p + 20 * PAGE, 4 * PAGE, PROT_READ) == 0);
    expect_page(p + 21 * PAGE, 21 * PAGE);
    CHECK(munmap(p, MAPPED) == 0);
    signal(SIGSEGV, SIG_DFL);
}

static int is_mapped(const void* page) {
    unsigned char resident;
    if (mincore((void*)page, PAGE, &resident) == 0) return 1;
    CHECK(errno == ENOMEM);
    return 0;
}

static void test_unmap_and_remap(int fd) {
    unsigned char* p = map_file(fd, PROT_READ | PROT_WRITE, PAGES, 0);
    p[PAGE] = 'a';
    CHECK(munmap(p + 10 * PAGE, 10 * PAGE) == 0);
    CHECK(!is_mapped(p + 15 * PAGE) && is_mapped(p + 9 * PAGE) && is_mapped(p + 20 * PAGE));
    expect_page(p + 9 * PAGE, 9 * PAGE);
    expect_page(p + 20 * PAGE, 20 * PAGE);
    expect_page(p + 39 * PAGE, 39 * PAGE);
    CHECK(p[PAGE] == 'a' && p[PAGE + 1] == expected(PAGE + 1));

    /* Moving a partly touched part: touched pages keep their changes, the
       others still read the file, and pages it grows into too. */
    p[22 * PAGE] = 'b';
    unsigned char* q = mremap(p + 20 * PAGE, 10 * PAGE, 12 * PAGE, MREMAP_MAYMOVE);
    CHECK(q != MAP_FAILED);
    if (q != p + 20 * PAGE) CHECK(!is_mapped(p + 20 * PAGE));
    CHECK(q[2 * PAGE] == 'b' && q[2 * PAGE + 1] == expected(22 * PAGE + 1));
    for (size_t page = 3; page < 12; ++page) expect_page(q + page * PAGE, (20 + page) * PAGE);
    expect_page(q, 20 * PAGE);
    expect_page(p + 30 * PAGE, 30 * PAGE);
    /* MREMAP_DONTUNMAP (which some Linux versions refuse for file
       mappings): what moved keeps its changes, the old range reads the
       file again. */
    unsigned char* s = map_file(fd, PROT_READ | PROT_WRITE, 8, 0);
    s[PAGE] = 'd';
    unsigned char* t = mremap(s, 8 * PAGE, 8 * PAGE, MREMAP_MAYMOVE | MREMAP_DONTUNMAP);
    if (t != MAP_FAILED) {
        CHECK(t != s && t[PAGE] == 'd' && t[PAGE + 1] == expected(PAGE + 1));
        expect_page(t + 5 * PAGE, 5 * PAGE);
        expect_page(s + PAGE, PAGE);
        expect_page(s + 6 * PAGE, 6 * PAGE);
        CHECK(munmap(t, 8 * PAGE) == 0);
    } else {
        CHECK(errno == EINVAL && s[PAGE] == 'd');
    }
    CHECK(munmap(s, 8 * PAGE) == 0);
    /* Growing in place. */
    CHECK(munmap(q, 12 * PAGE) == 0);
    unsigned char* r = map_file(fd, PROT_READ, 2, 0);
    CHECK(munmap(r + PAGE, PAGE) == 0);
    unsigned char* grown = mremap(r, PAGE, 6 * PAGE, MREMAP_MAYMOVE);
    CHECK(grown != MAP_FAILED);
    for (size_t page = 0; page < 6; ++page) expect_page(grown + page * PAGE, page * PAGE);
    CHECK(munmap(grown, 6 * PAGE) == 0);
    CHECK(munmap(p, 10 * PAGE) == 0 && munmap(p + 30 * PAGE, 10 * PAGE) == 0);
}

/* A file that maps over a mapping of itself, as ld.so maps a library. */
static void test_fixed_over(int fd) {
    unsigned char* p = map_file(fd, PROT_READ, PAGES + 1, 0);
    unsigned char* q = mmap(p + 8 * PAGE, 8 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fd, 24 * PAGE);
    CHECK(q == p + 8 * PAGE);
    expect_page(p + 7 * PAGE, 7 * PAGE);
    expect_page(q, 24 * PAGE);
    q[PAGE] = 'q';
    expect_page(p + 16 * PAGE, 16 * PAGE);
    CHECK(munmap(p, MAPPED) == 0);
}

static unsigned char* shared_mapping;
static volatile int start_flag;

static void* toucher(void* arg) {
    size_t first = (size_t)(uintptr_t)arg;
    while (!start_flag) {
    }
    for (size_t k = 0; k < PAGES; ++k) {
        size_t page = (first + k) % PAGES;
        CHECK(shared_mapping[page * PAGE + 77] == expected(page * PAGE + 77));
    }
    return NULL;
}

static void test_threads(int fd) {
    for (int round = 0; round < 20; ++round) {
        shared_mapping = map_file(fd, PROT_READ, PAGES, 0);
        pthread_t threads[4];
        start_flag = 0;
        for (int i = 0; i < 4; ++i) CHECK(pthread_create(&threads[i], NULL, toucher, (void*)(uintptr_t)(i % 2)) == 0);
        start_flag = 1;
        for (int i = 0; i < 4; ++i) CHECK(pthread_join(threads[i], NULL) == 0);
        CHECK(munmap(shared_mapping, PAGES * PAGE) == 0);
    }
}

static void test_own_executable(void) {
    int fd = open("/proc/self/exe", O_RDONLY);
    CHECK(fd >= 0);
    off_t size = lseek(fd, 0, SEEK_END);
    CHECK(size > 4096);
    unsigned char* p = mmap(NULL, (size_t)size, PROT_READ, MAP_PRIVATE, fd, 0);
    CHECK(p != MAP_FAILED);
    CHECK(memcmp(p, "\177ELF", 4) == 0);
    unsigned char buffer[64];
    off_t at = size - 64;
    CHECK(pread(fd, buffer, 64, at) == 64 && memcmp(buffer, p + at, 64) == 0);
    CHECK(munmap(p, (size_t)size) == 0 && close(fd) == 0);
}

int main(void) {
    int fd = make_file();
    test_contents(fd);
    test_private_writes(fd);
    test_syscall_buffers(fd);
    test_protection(fd);
    test_unmap_and_remap(fd);
    test_fixed_over(fd);
    test_threads(fd);
    test_own_executable();
    CHECK(close(fd) == 0 && unlink(path) == 0);
    printf("mm_lazy_file ok\n");
    return 0;
}
