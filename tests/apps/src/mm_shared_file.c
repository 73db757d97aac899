/* MAP_SHARED file mappings of a writable file (in /tmp, a ramfs): writes
   reach the file on msync (MS_SYNC and MS_ASYNC) and on munmap, never past
   the end of the file; msync(MS_INVALIDATE) brings in the file's own
   changes; private mappings keep their writes to themselves. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

#define PAGE 4096
#define FILE_SIZE (3 * PAGE + 100)

static const char* path = "/tmp/mm_shared_file";

static int make_file(void) {
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    char buffer[FILE_SIZE];
    for (int i = 0; i < FILE_SIZE; ++i) buffer[i] = 'a' + i / PAGE;
    CHECK(write(fd, buffer, FILE_SIZE) == FILE_SIZE);
    return fd;
}

static char byte_at(int fd, off_t offset) {
    char c = 0;
    CHECK(pread(fd, &c, 1, offset) == 1);
    return c;
}

static off_t size_of(int fd) {
    struct stat st;
    CHECK(fstat(fd, &st) == 0);
    return st.st_size;
}

static void test_sync_and_unmap(int fd) {
    char* p = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(p != MAP_FAILED);
    CHECK(p[0] == 'a' && p[PAGE] == 'b' && p[3 * PAGE + 99] == 'd' && p[3 * PAGE + 100] == 0);
    p[10] = 'X';
    CHECK(msync(p, 4 * PAGE, MS_SYNC) == 0);
    CHECK(byte_at(fd, 10) == 'X' && byte_at(fd, 11) == 'a');
    p[PAGE + 5] = 'Y';
    CHECK(msync(p + PAGE, PAGE, MS_ASYNC) == 0);
    CHECK(byte_at(fd, PAGE + 5) == 'Y');
    /* Bytes past the end of the file stay out of it. */
    p[3 * PAGE + 50] = 'E';
    p[3 * PAGE + 200] = 'Q';
    CHECK(msync(p, 4 * PAGE, MS_SYNC) == 0);
    CHECK(size_of(fd) == FILE_SIZE && byte_at(fd, 3 * PAGE + 50) == 'E');
    /* munmap writes back what msync has not. */
    p[2 * PAGE + 7] = 'Z';
    CHECK(munmap(p, 4 * PAGE) == 0);
    CHECK(byte_at(fd, 2 * PAGE + 7) == 'Z');
    char text[4] = {0};
    CHECK(pread(fd, text, 3, 9) == 3 && strcmp(text, "aXa") == 0);
}

static void test_two_mappings(int fd) {
    char* first = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    char* second = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(first != MAP_FAILED && second != MAP_FAILED && first != second);
    /* Each changes its own page; both changes reach the file (at once:
       mm_page_cache checks that without msync). */
    first[100] = '1';
    second[PAGE + 100] = '2';
    CHECK(msync(first, 2 * PAGE, MS_SYNC) == 0 && msync(second, 2 * PAGE, MS_SYNC) == 0);
    CHECK(byte_at(fd, 100) == '1' && byte_at(fd, PAGE + 100) == '2');
    /* MS_INVALIDATE: a page the mapping did not change shows the file's own write. */
    CHECK(pwrite(fd, "W", 1, PAGE + 200) == 1);
    CHECK(msync(first, 2 * PAGE, MS_SYNC | MS_INVALIDATE) == 0);
    CHECK(first[PAGE + 200] == 'W' && first[PAGE + 100] == '2' && first[100] == '1');
    CHECK(munmap(first, 2 * PAGE) == 0 && munmap(second, 2 * PAGE) == 0);
    CHECK(byte_at(fd, PAGE + 200) == 'W' && byte_at(fd, 100) == '1');
}

static void test_private(int fd) {
    char* p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, PAGE);
    CHECK(p != MAP_FAILED && p[0] == 'b');
    p[0] = 'P';
    CHECK(msync(p, 2 * PAGE, MS_SYNC) == 0);
    CHECK(byte_at(fd, PAGE) == 'b');
    /* MADV_DONTNEED drops the private copy: the file shows through again. */
    CHECK(madvise(p, 2 * PAGE, MADV_DONTNEED) == 0);
    CHECK(p[0] == 'b' && p[PAGE] == 'c');
    CHECK(munmap(p, 2 * PAGE) == 0);
    CHECK(byte_at(fd, PAGE) == 'b');
}

static void test_protect_and_truncate(int fd) {
    /* Made writable later by mprotect: still written back. */
    char* p = mmap(NULL, 3 * PAGE, PROT_READ, MAP_SHARED, fd, 0);
    CHECK(p != MAP_FAILED);
    CHECK(mprotect(p, 3 * PAGE, PROT_READ | PROT_WRITE) == 0);
    p[2 * PAGE + 1] = 'M';
    CHECK(mprotect(p, 3 * PAGE, PROT_NONE) == 0);
    CHECK(msync(p, 3 * PAGE, MS_SYNC) == 0);
    CHECK(byte_at(fd, 2 * PAGE + 1) == 'M');
    /* A file cut short does not grow back when the mapping goes. */
    CHECK(mprotect(p, 3 * PAGE, PROT_READ | PROT_WRITE) == 0);
    p[2 * PAGE + 2] = 'T';
    CHECK(ftruncate(fd, PAGE) == 0);
    CHECK(munmap(p, 3 * PAGE) == 0);
    CHECK(size_of(fd) == PAGE);
}

static void test_access_errors(void) {
    int wronly = open(path, O_WRONLY);
    CHECK(wronly >= 0);
    CHECK(mmap(NULL, PAGE, PROT_READ, MAP_SHARED, wronly, 0) == MAP_FAILED && errno == EACCES);
    CHECK(close(wronly) == 0);
    int dir = open("/tmp", O_RDONLY | O_DIRECTORY);
    CHECK(dir >= 0);
    CHECK(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, dir, 0) == MAP_FAILED && errno == ENODEV);
    CHECK(close(dir) == 0);
    int fd = open(path, O_RDWR);
    CHECK(mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 100) == MAP_FAILED && errno == EINVAL);
    CHECK(close(fd) == 0);
}

int main(void) {
    int fd = make_file();
    test_sync_and_unmap(fd);
    test_two_mappings(fd);
    test_private(fd);
    test_protect_and_truncate(fd);
    test_access_errors();
    CHECK(close(fd) == 0 && unlink(path) == 0);
    puts("mm_shared_file ok");
    return 0;
}
