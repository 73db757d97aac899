/* sendfile, splice, tee, copy_file_range and the sync family, with the
   error cases Linux 6.x gives. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/sendfile.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "check.h"

static const char* source_path = "/tmp/file_transfer.src";
static const char* target_path = "/tmp/file_transfer.dst";

static long copy_range(int in, int64_t* in_offset, int out, int64_t* out_offset, size_t length, unsigned flags) {
    return syscall(SYS_copy_file_range, in, in_offset, out, out_offset, length, flags);
}

static int make_source(void) {
    int fd = open(source_path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    CHECK(write(fd, "0123456789abcdefghij", 20) == 20);
    CHECK(lseek(fd, 0, SEEK_SET) == 0);
    return fd;
}

static int make_target(int flags) {
    int fd = open(target_path, O_CREAT | O_TRUNC | flags, 0644);
    CHECK(fd >= 0);
    return fd;
}

static void expect_bytes(int fd, const char* text, size_t length) {
    char buffer[256];
    ssize_t n = pread(fd, buffer, sizeof buffer, 0);
    CHECK(n == (ssize_t)length && memcmp(buffer, text, length) == 0);
}
/* The whole file holds `literal` (which may hold NULs). */
#define expect_file(fd, literal) expect_bytes(fd, literal, sizeof(literal) - 1)

static void sendfile_calls(void) {
    int in = make_source(), out = make_target(O_RDWR);
    /* Without an offset: the input's position is used and moves. */
    CHECK(lseek(in, 2, SEEK_SET) == 2);
    CHECK(sendfile(out, in, NULL, 5) == 5);
    CHECK(lseek(in, 0, SEEK_CUR) == 7 && lseek(out, 0, SEEK_CUR) == 5);
    expect_file(out, "23456");
    /* With an offset: it is read and updated; the position stays. */
    off_t offset = 15;
    CHECK(sendfile(out, in, &offset, 100) == 5); /* short at the end of the file */
    CHECK(offset == 20 && lseek(in, 0, SEEK_CUR) == 7);
    expect_file(out, "23456fghij");
    CHECK(sendfile(out, in, &offset, 10) == 0);
    CHECK(sendfile(out, in, NULL, 0) == 0);
    /* File to pipe. */
    int p[2];
    CHECK(pipe(p) == 0);
    offset = 0;
    CHECK(sendfile(p[1], in, &offset, 4) == 4);
    char buffer[32];
    CHECK(read(p[0], buffer, sizeof buffer) == 4 && memcmp(buffer, "0123", 4) == 0);
    /* A large count on a blocking pipe fills what fits and returns. */
    static char big[200000];
    int large = open("/tmp/file_transfer.big", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(large >= 0 && write(large, big, sizeof big) == (ssize_t)sizeof big);
    offset = 0;
    ssize_t filled = sendfile(p[1], large, &offset, sizeof big);
    CHECK(filled > 0 && filled < (ssize_t)sizeof big && offset == filled);
    CHECK(fcntl(p[1], F_SETFL, O_NONBLOCK) == 0);
    CHECK(sendfile(p[1], large, &offset, sizeof big) == -1 && errno == EAGAIN);
    CHECK(close(large) == 0 && unlink("/tmp/file_transfer.big") == 0);
    CHECK(close(p[0]) == 0 && close(p[1]) == 0);

    /* Errors. */
    CHECK(pipe(p) == 0);
    CHECK(write(p[1], "abc", 3) == 3);
    CHECK(sendfile(out, p[0], NULL, 3) == -1 && errno == EINVAL);   /* from a pipe */
    offset = 0;
    CHECK(sendfile(out, p[0], &offset, 3) == -1 && errno == ESPIPE); /* an offset on a pipe */
    offset = -1;
    CHECK(sendfile(out, in, &offset, 3) == -1 && errno == EINVAL);
    CHECK(sendfile(out, 999, NULL, 3) == -1 && errno == EBADF);
    CHECK(sendfile(999, in, NULL, 3) == -1 && errno == EBADF);
    CHECK(sendfile(out, p[1], NULL, 3) == -1 && errno == EBADF);    /* input not readable */
    int reader = open(target_path, O_RDONLY);
    CHECK(reader >= 0);
    CHECK(sendfile(reader, in, NULL, 3) == -1 && errno == EBADF);   /* output not writable */
    int appender = open(target_path, O_WRONLY | O_APPEND);
    CHECK(appender >= 0);
    CHECK(sendfile(appender, in, NULL, 3) == -1 && errno == EINVAL);
    int directory = open("/tmp", O_RDONLY | O_DIRECTORY);
    CHECK(directory >= 0);
    CHECK(sendfile(out, directory, NULL, 3) == -1 && errno == EINVAL);
    int event = eventfd(0, 0);
    CHECK(event >= 0);
    CHECK(sendfile(event, in, NULL, 3) == -1 && errno == EINVAL);
    offset = 0;
    CHECK(sendfile(out, in, (off_t*)8, 3) == -1 && errno == EFAULT);
    CHECK(close(event) == 0 && close(directory) == 0 && close(appender) == 0 && close(reader) == 0);
    CHECK(close(p[0]) == 0 && close(p[1]) == 0);
    CHECK(close(in) == 0 && close(out) == 0);
}

static void splice_calls(void) {
    int in = make_source(), out = make_target(O_RDWR);
    int p[2], q[2];
    CHECK(pipe(p) == 0 && pipe(q) == 0);
    /* File to pipe at the position, then with an offset. */
    CHECK(lseek(in, 3, SEEK_SET) == 3);
    CHECK(splice(in, NULL, p[1], NULL, 4, 0) == 4);
    CHECK(lseek(in, 0, SEEK_CUR) == 7);
    loff_t in_offset = 10;
    CHECK(splice(in, &in_offset, p[1], NULL, 3, SPLICE_F_MORE | SPLICE_F_MOVE) == 3);
    CHECK(in_offset == 13 && lseek(in, 0, SEEK_CUR) == 7);
    /* Pipe to pipe. */
    CHECK(splice(p[0], NULL, q[1], NULL, 5, 0) == 5);
    /* Pipe to file at an offset (a hole before it), and at the position. */
    loff_t out_offset = 4;
    CHECK(splice(q[0], NULL, out, &out_offset, 100, 0) == 5); /* takes what is there */
    CHECK(out_offset == 9 && lseek(out, 0, SEEK_CUR) == 0);
    CHECK(splice(p[0], NULL, out, NULL, 100, 0) == 2);
    CHECK(lseek(out, 0, SEEK_CUR) == 2);
    expect_file(out, "bc\0\0" "3456a");
    /* Empty pipe: SPLICE_F_NONBLOCK or O_NONBLOCK make it EAGAIN; with no writer it is 0. */
    CHECK(splice(p[0], NULL, out, NULL, 10, SPLICE_F_NONBLOCK) == -1 && errno == EAGAIN);
    CHECK(fcntl(p[0], F_SETFL, O_NONBLOCK) == 0);
    CHECK(splice(p[0], NULL, out, NULL, 10, 0) == -1 && errno == EAGAIN);
    CHECK(close(q[1]) == 0);
    CHECK(splice(q[0], NULL, out, NULL, 10, 0) == 0);
    CHECK(close(q[0]) == 0);
    CHECK(pipe(q) == 0);

    /* Errors. */
    CHECK(splice(999, NULL, p[1], NULL, 0, 0) == 0); /* a zero length is checked first */
    CHECK(splice(in, NULL, p[1], NULL, 1, 0x100) == -1 && errno == EINVAL);
    CHECK(splice(in, NULL, out, NULL, 1, 0) == -1 && errno == EINVAL); /* no pipe */
    CHECK(splice(p[0], NULL, p[1], NULL, 1, 0) == -1 && errno == EINVAL); /* the same pipe */
    loff_t zero = 0;
    CHECK(splice(p[0], &zero, out, NULL, 1, 0) == -1 && errno == ESPIPE);
    CHECK(splice(in, NULL, p[1], &zero, 1, 0) == -1 && errno == ESPIPE);
    CHECK(splice(q[0], &zero, p[1], NULL, 1, 0) == -1 && errno == ESPIPE);
    loff_t negative = -1;
    CHECK(splice(in, &negative, p[1], NULL, 1, 0) == -1 && errno == EINVAL);
    CHECK(splice(p[1], NULL, q[1], NULL, 1, 0) == -1 && errno == EBADF);  /* a write end as input */
    CHECK(splice(p[0], NULL, q[0], NULL, 1, 0) == -1 && errno == EBADF);  /* a read end as output */
    CHECK(splice(999, NULL, p[1], NULL, 1, 0) == -1 && errno == EBADF);
    int directory = open("/tmp", O_RDONLY | O_DIRECTORY);
    CHECK(directory >= 0);
    CHECK(splice(directory, NULL, p[1], NULL, 1, 0) == -1 && errno == EINVAL);
    int appender = open(target_path, O_WRONLY | O_APPEND);
    CHECK(appender >= 0);
    CHECK(write(q[1], "x", 1) == 1);
    CHECK(splice(q[0], NULL, appender, NULL, 1, 0) == -1 && errno == EINVAL);
    CHECK(splice(q[0], NULL, out, (loff_t*)8, 1, 0) == -1 && errno == EFAULT);
    CHECK(close(appender) == 0 && close(directory) == 0);
    CHECK(close(p[0]) == 0 && close(p[1]) == 0 && close(q[0]) == 0 && close(q[1]) == 0);
    CHECK(close(in) == 0 && close(out) == 0);
}

static void tee_calls(void) {
    int p[2], q[2];
    CHECK(pipe(p) == 0 && pipe(q) == 0);
    CHECK(write(p[1], "duplicate", 9) == 9);
    CHECK(tee(p[0], q[1], 100, 0) == 9);
    char a[16] = {0}, b[16] = {0};
    CHECK(read(q[0], b, sizeof b) == 9 && memcmp(b, "duplicate", 9) == 0);
    CHECK(read(p[0], a, sizeof a) == 9 && memcmp(a, "duplicate", 9) == 0); /* still there */
    CHECK(write(p[1], "abc", 3) == 3);
    CHECK(tee(p[0], q[1], 2, 0) == 2);
    CHECK(read(q[0], b, sizeof b) == 2 && memcmp(b, "ab", 2) == 0);
    CHECK(read(p[0], a, sizeof a) == 3);
    /* Empty: EAGAIN with SPLICE_F_NONBLOCK; 0 once every writer is gone. */
    CHECK(tee(p[0], q[1], 10, SPLICE_F_NONBLOCK) == -1 && errno == EAGAIN);
    CHECK(tee(p[0], q[1], 10, 0x100) == -1 && errno == EINVAL);
    CHECK(tee(p[0], p[1], 10, 0) == -1 && errno == EINVAL);
    CHECK(tee(q[1], p[1], 10, 0) == -1 && errno == EBADF);
    int fd = make_source();
    CHECK(tee(fd, q[1], 10, 0) == -1 && errno == EINVAL);
    CHECK(close(fd) == 0);
    CHECK(tee(999, q[1], 10, 0) == -1 && errno == EBADF);
    CHECK(close(p[1]) == 0);
    CHECK(tee(p[0], q[1], 10, 0) == 0);
    CHECK(close(p[0]) == 0 && close(q[0]) == 0 && close(q[1]) == 0);
}

static void copy_file_range_calls(void) {
    int in = make_source(), out = make_target(O_RDWR);
    /* At the positions, which move. */
    CHECK(lseek(in, 5, SEEK_SET) == 5);
    CHECK(copy_range(in, NULL, out, NULL, 4, 0) == 4);
    CHECK(lseek(in, 0, SEEK_CUR) == 9 && lseek(out, 0, SEEK_CUR) == 4);
    /* At offsets, which are updated; the positions stay. */
    int64_t in_offset = 16, out_offset = 6;
    CHECK(copy_range(in, &in_offset, out, &out_offset, 100, 0) == 4); /* short at the end */
    CHECK(in_offset == 20 && out_offset == 10);
    CHECK(lseek(in, 0, SEEK_CUR) == 9 && lseek(out, 0, SEEK_CUR) == 4);
    expect_file(out, "5678\0\0ghij");
    CHECK(copy_range(in, &in_offset, out, &out_offset, 100, 0) == 0); /* past the end */
    /* Within one file: apart is fine, overlapping is EINVAL. */
    in_offset = 0;
    out_offset = 30;
    CHECK(copy_range(in, &in_offset, in, &out_offset, 10, 0) == 10);
    in_offset = 0;
    out_offset = 5;
    CHECK(copy_range(in, &in_offset, in, &out_offset, 10, 0) == -1 && errno == EINVAL);
    int second = open(source_path, O_RDWR);
    CHECK(second >= 0);
    in_offset = 0;
    out_offset = 5;
    CHECK(copy_range(in, &in_offset, second, &out_offset, 10, 0) == -1 && errno == EINVAL);
    CHECK(close(second) == 0);

    /* Errors. */
    CHECK(copy_range(in, NULL, out, NULL, 1, 1) == -1 && errno == EINVAL);
    in_offset = -1;
    CHECK(copy_range(in, &in_offset, out, NULL, 2, 0) == -1 && errno == EOVERFLOW);
    int p[2];
    CHECK(pipe(p) == 0);
    CHECK(copy_range(p[0], NULL, out, NULL, 1, 0) == -1 && errno == EINVAL);
    CHECK(copy_range(in, NULL, p[1], NULL, 1, 0) == -1 && errno == EINVAL);
    int directory = open("/tmp", O_RDONLY | O_DIRECTORY);
    CHECK(directory >= 0);
    CHECK(copy_range(directory, NULL, out, NULL, 1, 0) == -1 && errno == EISDIR);
    int writer = open(source_path, O_WRONLY), reader = open(target_path, O_RDONLY);
    int appender = open(target_path, O_WRONLY | O_APPEND);
    CHECK(writer >= 0 && reader >= 0 && appender >= 0);
    CHECK(copy_range(writer, NULL, out, NULL, 1, 0) == -1 && errno == EBADF);
    CHECK(copy_range(in, NULL, reader, NULL, 1, 0) == -1 && errno == EBADF);
    CHECK(copy_range(in, NULL, appender, NULL, 1, 0) == -1 && errno == EBADF);
    CHECK(copy_range(999, NULL, out, NULL, 1, 0) == -1 && errno == EBADF);
    int null = open("/dev/null", O_WRONLY);
    CHECK(null >= 0);
    CHECK(copy_range(in, NULL, null, NULL, 1, 0) == -1 && errno == EINVAL);
    CHECK(copy_range(in, (int64_t*)8, out, NULL, 1, 0) == -1 && errno == EFAULT);
    CHECK(close(null) == 0 && close(writer) == 0 && close(reader) == 0 && close(appender) == 0);
    CHECK(close(directory) == 0 && close(p[0]) == 0 && close(p[1]) == 0);
    CHECK(close(in) == 0 && close(out) == 0);
}

static void sync_calls(void) {
    int fd = make_source();
    int directory = open("/tmp", O_RDONLY | O_DIRECTORY);
    int p[2];
    CHECK(directory >= 0 && pipe(p) == 0);
    int event = eventfd(0, 0), null = open("/dev/null", O_RDWR);
    CHECK(event >= 0 && null >= 0);
    CHECK(fsync(fd) == 0 && fdatasync(fd) == 0);
    CHECK(fsync(directory) == 0 && fdatasync(directory) == 0);
    CHECK(fsync(p[0]) == -1 && errno == EINVAL);
    CHECK(fdatasync(p[1]) == -1 && errno == EINVAL);
    CHECK(fsync(event) == -1 && errno == EINVAL);
    CHECK(fsync(null) == -1 && errno == EINVAL);
    CHECK(fsync(999) == -1 && errno == EBADF);
    sync();
    CHECK(syncfs(fd) == 0 && syncfs(p[0]) == 0);
    CHECK(syncfs(999) == -1 && errno == EBADF);
    CHECK(sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER) == 0);
    CHECK(sync_file_range(directory, 0, 10, 0) == 0);
    CHECK(sync_file_range(fd, 0, 0, 8) == -1 && errno == EINVAL);
    CHECK(sync_file_range(fd, -1, 0, 0) == -1 && errno == EINVAL);
    CHECK(sync_file_range(fd, 0, -1, 0) == -1 && errno == EINVAL);
    CHECK(sync_file_range(fd, INT64_MAX, 2, 0) == -1 && errno == EINVAL);
    CHECK(sync_file_range(999, 0, -1, 0) == -1 && errno == EBADF); /* the fd before the arguments */
    CHECK(sync_file_range(p[0], 0, -1, 0) == -1 && errno == EINVAL); /* the arguments before the kind */
    CHECK(sync_file_range(999, 0, 0, 0) == -1 && errno == EBADF);
    CHECK(sync_file_range(p[0], 0, 0, 0) == -1 && errno == ESPIPE);
    CHECK(close(event) == 0 && close(null) == 0 && close(directory) == 0);
    CHECK(close(p[0]) == 0 && close(p[1]) == 0 && close(fd) == 0);
}

int main(void) {
    sendfile_calls();
    splice_calls();
    tee_calls();
    copy_file_range_calls();
    sync_calls();
    CHECK(unlink(source_path) == 0 && unlink(target_path) == 0);
    printf("file_transfer ok\n");
    return 0;
}
