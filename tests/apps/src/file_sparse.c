/* Sparse files and fallocate in /tmp: a write at a 3 GiB offset allocates
   only what it wrote, holes read zero, SEEK_DATA/SEEK_HOLE find them;
   fallocate's modes (allocate, KEEP_SIZE, PUNCH_HOLE|KEEP_SIZE) and its
   errors; truncating gives the pages back. Inside cella /tmp is tmpfs
   (ramfs); natively it may be another file system, which allocates in
   blocks of its own, so block counts are checked against bounds. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "check.h"

/* musl has neither <linux/magic.h> nor FALLOC_FL_ZERO_RANGE. */
#define TMPFS_MAGIC 0x01021994
#ifndef FALLOC_FL_ZERO_RANGE
#define FALLOC_FL_ZERO_RANGE 0x10
#endif

#define PAGE 4096
#define MiB (1024 * 1024)
#define PATH "/tmp/file_sparse"

static long long blocks_of(int fd) {
    struct stat st;
    CHECK(fstat(fd, &st) == 0);
    return (long long)st.st_blocks;
}

static off_t size_of(int fd) {
    struct stat st;
    CHECK(fstat(fd, &st) == 0);
    return st.st_size;
}

static int all_zero(int fd, off_t offset, size_t length) {
    static char buffer[MiB];
    CHECK(length <= sizeof buffer && pread(fd, buffer, length, offset) == (ssize_t)length);
    for (size_t i = 0; i < length; ++i)
        if (buffer[i]) return 0;
    return 1;
}

static void test_sparse(void) {
    int fd = open(PATH, O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0);
    const off_t far = 3LL << 30;
    CHECK(pwrite(fd, "far", 3, far) == 3);
    CHECK(size_of(fd) == far + 3);
    /* One page (or block) for three bytes, not 3 GiB. */
    CHECK(blocks_of(fd) > 0 && blocks_of(fd) <= 64);
    CHECK(all_zero(fd, 0, MiB) && all_zero(fd, far - MiB, MiB));
    char text[4] = {0};
    CHECK(pread(fd, text, 3, far) == 3 && strcmp(text, "far") == 0);
    /* SEEK_DATA and SEEK_HOLE, as Linux answers them. */
    CHECK(lseek(fd, 0, SEEK_DATA) == far);
    CHECK(lseek(fd, 0, SEEK_HOLE) == 0);
    CHECK(lseek(fd, far, SEEK_HOLE) == far + 3);
    CHECK(lseek(fd, far + 1, SEEK_DATA) == far + 1);
    errno = 0;
    CHECK(lseek(fd, far + 3, SEEK_DATA) == -1 && errno == ENXIO);
    CHECK(lseek(fd, far + 3, SEEK_HOLE) == -1 && errno == ENXIO);
    CHECK(lseek(fd, -1, SEEK_DATA) == -1 && errno == ENXIO);
    /* The file position moved to what was found. */
    CHECK(lseek(fd, 0, SEEK_DATA) == far && lseek(fd, 0, SEEK_CUR) == far);
    /* Truncating gives the pages back. */
    CHECK(ftruncate(fd, 0) == 0 && size_of(fd) == 0 && blocks_of(fd) == 0);
    CHECK(close(fd) == 0 && unlink(PATH) == 0);
}

static void test_fallocate(void) {
    int fd = open(PATH, O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0);
    /* Mode 0 allocates and grows the file; the new bytes read zero. */
    CHECK(fallocate(fd, 0, 0, MiB) == 0);
    CHECK(size_of(fd) == MiB && blocks_of(fd) >= MiB / 512 && all_zero(fd, 0, MiB));
    /* KEEP_SIZE allocates past the end without growing it. */
    long long before = blocks_of(fd);
    CHECK(fallocate(fd, FALLOC_FL_KEEP_SIZE, MiB, MiB) == 0);
    CHECK(size_of(fd) == MiB && blocks_of(fd) >= before + MiB / 512);
    CHECK(ftruncate(fd, MiB) == 0);
    /* PUNCH_HOLE zeroes and frees the range, keeping the size. */
    char data[3 * PAGE];
    memset(data, 'd', sizeof data);
    CHECK(pwrite(fd, data, sizeof data, 64 * PAGE) == (ssize_t)sizeof data);
    before = blocks_of(fd);
    CHECK(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 64 * PAGE + 10, 2 * PAGE + 90) == 0);
    CHECK(size_of(fd) == MiB);
    char back[3 * PAGE];
    CHECK(pread(fd, back, sizeof back, 64 * PAGE) == (ssize_t)sizeof back);
    CHECK(back[9] == 'd' && back[10] == 0 && back[2 * PAGE + 99] == 0 && back[2 * PAGE + 100] == 'd');
    /* The one whole page inside the range is a hole now. */
    CHECK(blocks_of(fd) <= before - PAGE / 512);
    CHECK(lseek(fd, 64 * PAGE, SEEK_HOLE) == 65 * PAGE && lseek(fd, 65 * PAGE, SEEK_DATA) == 66 * PAGE);
    /* Errors, in the order Linux checks them. */
    errno = 0;
    CHECK(fallocate(fd, FALLOC_FL_PUNCH_HOLE, 0, PAGE) == -1 && errno == EOPNOTSUPP);
    CHECK(fallocate(fd, 0x100, 0, PAGE) == -1 && errno == EOPNOTSUPP);
    CHECK(fallocate(fd, 0, 0, 0) == -1 && errno == EINVAL);
    CHECK(fallocate(fd, 0, -1, PAGE) == -1 && errno == EINVAL);
    CHECK(fallocate(fd, 0, INT64_MAX - 10, PAGE) == -1 && errno == EFBIG);
    int read_only = open(PATH, O_RDONLY);
    CHECK(read_only >= 0);
    CHECK(fallocate(read_only, 0, 0, PAGE) == -1 && errno == EBADF);
    CHECK(close(read_only) == 0);
    int pipe_fds[2];
    CHECK(pipe(pipe_fds) == 0);
    CHECK(fallocate(pipe_fds[1], 0, 0, PAGE) == -1 && errno == ESPIPE);
    CHECK(close(pipe_fds[0]) == 0 && close(pipe_fds[1]) == 0);
    /* ZERO_RANGE: tmpfs does not have it; other file systems zero. */
    struct statfs fs;
    int zeroed = fallocate(fd, FALLOC_FL_ZERO_RANGE, 64 * PAGE, PAGE);
    int zero_error = errno;
    if (statfs("/tmp", &fs) == 0 && fs.f_type == TMPFS_MAGIC) {
        CHECK(zeroed == -1 && zero_error == EOPNOTSUPP);
        CHECK(all_zero(fd, 64 * PAGE, 10) == 0);
    } else if (zeroed == 0) {
        CHECK(all_zero(fd, 64 * PAGE, PAGE));
    } else {
        /* statfs is not served: only tmpfs's answer is right. */
        CHECK(zero_error == EOPNOTSUPP && !all_zero(fd, 64 * PAGE, 10));
    }
    CHECK(close(fd) == 0 && unlink(PATH) == 0);
}

/* A memfd is tmpfs natively too: its answers are tmpfs's everywhere. */
static void test_memfd(void) {
    int fd = memfd_create("file_sparse", MFD_ALLOW_SEALING);
    CHECK(fd >= 0);
    CHECK(pwrite(fd, "end", 3, 8 * MiB) == 3 && blocks_of(fd) <= 64);
    CHECK(lseek(fd, 0, SEEK_DATA) == 8 * MiB && lseek(fd, 0, SEEK_HOLE) == 0);
    errno = 0;
    CHECK(fallocate(fd, FALLOC_FL_ZERO_RANGE, 0, PAGE) == -1 && errno == EOPNOTSUPP);
    /* Allocated pages not written yet are holes to SEEK_DATA on tmpfs. */
    long long before = blocks_of(fd);
    CHECK(fallocate(fd, 0, 0, 2 * PAGE) == 0 && blocks_of(fd) >= before + 2 * PAGE / 512);
    CHECK(lseek(fd, 0, SEEK_DATA) == 8 * MiB);
    CHECK(pwrite(fd, "data", 4, 0) == 4 && lseek(fd, 0, SEEK_DATA) == 0 && lseek(fd, 0, SEEK_HOLE) == PAGE);
    /* Seals: no growing past the end; no hole once writes are sealed. */
    CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_GROW) == 0);
    CHECK(fallocate(fd, 0, 8 * MiB, MiB) == -1 && errno == EPERM);
    CHECK(fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, PAGE) == 0);
    CHECK(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, PAGE) == 0);
    CHECK(lseek(fd, 0, SEEK_DATA) == 8 * MiB);
    CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE) == 0);
    CHECK(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, PAGE, PAGE) == -1 && errno == EPERM);
    CHECK(close(fd) == 0);
}

int main(void) {
    test_sparse();
    test_fallocate();
    test_memfd();
    puts("file_sparse ok");
    return 0;
}
