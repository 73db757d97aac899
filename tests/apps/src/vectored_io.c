/* readv/writev, preadv/pwritev and preadv2/pwritev2 with RWF_* flags, the
   iovec checks, and vmsplice, as Linux 6.x answers them. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "check.h"

#define RWF_HIPRI_ 0x1
#define RWF_DSYNC_ 0x2
#define RWF_SYNC_ 0x4
#define RWF_NOWAIT_ 0x8
#define RWF_APPEND_ 0x10
#define RWF_NOAPPEND_ 0x20
#define RWF_ATOMIC_ 0x40
#define RWF_NOSIGNAL_ 0x100

static const char* path = "/tmp/vectored_io.test";

static long preadv2_(int fd, const struct iovec* iov, long count, long offset, int flags) {
    return syscall(SYS_preadv2, fd, iov, count, offset, 0L, flags);
}
static long pwritev2_(int fd, const struct iovec* iov, long count, long offset, int flags) {
    return syscall(SYS_pwritev2, fd, iov, count, offset, 0L, flags);
}
static long preadv_(int fd, const struct iovec* iov, long count, long offset) {
    return syscall(SYS_preadv, fd, iov, count, offset, 0L);
}
static long pwritev_(int fd, const struct iovec* iov, long count, long offset) {
    return syscall(SYS_pwritev, fd, iov, count, offset, 0L);
}

static void positional(void) {
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    char a[] = "hello ", b[] = "vectored ", c[] = "world";
    struct iovec out[3] = {{a, 6}, {b, 9}, {c, 5}};
    CHECK(pwritev_(fd, out, 3, 10) == 20);
    CHECK(lseek(fd, 0, SEEK_CUR) == 0); /* the position does not move */
    char x[8] = {0}, y[16] = {0};
    struct iovec in[2] = {{x, 6}, {y, 14}};
    CHECK(preadv_(fd, in, 2, 10) == 20);
    CHECK(memcmp(x, "hello ", 6) == 0 && memcmp(y, "vectored world", 14) == 0);
    char z[4];
    CHECK(pread(fd, z, 4, 0) == 4 && memcmp(z, "\0\0\0\0", 4) == 0); /* the hole reads as zeros */
    /* A read past the end is short; at the end it is 0. */
    struct iovec tail[2] = {{x, 8}, {y, 16}};
    CHECK(preadv_(fd, tail, 2, 25) == 5 && memcmp(x, "world", 5) == 0);
    CHECK(preadv_(fd, tail, 2, 30) == 0);
    /* Zero segments and zero lengths move nothing. */
    CHECK(preadv_(fd, in, 0, 0) == 0);
    struct iovec empty[2] = {{x, 0}, {NULL, 0}};
    CHECK(preadv_(fd, empty, 2, 0) == 0);

    /* preadv2/pwritev2 with offset -1 use and move the file position. */
    CHECK(lseek(fd, 10, SEEK_SET) == 10);
    memset(x, 0, sizeof x);
    struct iovec one = {x, 5};
    CHECK(preadv2_(fd, &one, 1, -1, 0) == 5 && memcmp(x, "hello", 5) == 0);
    CHECK(lseek(fd, 0, SEEK_CUR) == 15);
    struct iovec up = {"VEC", 3};
    CHECK(pwritev2_(fd, &up, 1, -1, 0) == 3);
    CHECK(lseek(fd, 0, SEEK_CUR) == 18);
    CHECK(pread(fd, y, 8, 15) == 8 && memcmp(y, "VECctore", 8) == 0);
    /* With an offset they do not. */
    CHECK(preadv2_(fd, &one, 1, 0, 0) == 5 && lseek(fd, 0, SEEK_CUR) == 18);

    /* RWF_HIPRI, RWF_DSYNC and RWF_SYNC are accepted on reads and writes. */
    CHECK(pwritev2_(fd, &up, 1, 0, RWF_HIPRI_ | RWF_DSYNC_ | RWF_SYNC_) == 3);
    CHECK(preadv2_(fd, &one, 1, 0, RWF_HIPRI_ | RWF_DSYNC_ | RWF_SYNC_) == 5 && memcmp(x, "VEC\0\0", 5) == 0);

    /* RWF_APPEND writes at the end whatever the offset; with -1 the position follows. */
    CHECK(pwritev2_(fd, &up, 1, 0, RWF_APPEND_) == 3);
    CHECK(lseek(fd, 0, SEEK_END) == 33 && pread(fd, y, 3, 30) == 3 && memcmp(y, "VEC", 3) == 0);
    CHECK(lseek(fd, 2, SEEK_SET) == 2);
    CHECK(pwritev2_(fd, &up, 1, -1, RWF_APPEND_) == 3);
    CHECK(lseek(fd, 0, SEEK_CUR) == 36);
    CHECK(pwritev2_(fd, &up, 1, 0, RWF_APPEND_ | RWF_NOAPPEND_) == -1 && errno == EINVAL);
    /* preadv2 ignores RWF_APPEND. */
    CHECK(preadv2_(fd, &one, 1, 0, RWF_APPEND_) == 5);

    /* pwrite on an O_APPEND file appends (a Linux rule); RWF_NOAPPEND writes at the offset. */
    int appender = open(path, O_WRONLY | O_APPEND);
    CHECK(appender >= 0);
    struct iovec ab = {"ab", 2};
    CHECK(pwritev_(appender, &ab, 1, 0) == 2 && lseek(fd, 0, SEEK_END) == 38);
    CHECK(pwrite(appender, "cd", 2, 0) == 2 && lseek(fd, 0, SEEK_END) == 40);
    CHECK(pwritev2_(appender, &ab, 1, 0, RWF_NOAPPEND_) == 2 && lseek(fd, 0, SEEK_END) == 40);
    CHECK(pread(fd, y, 3, 0) == 3 && memcmp(y, "abC", 3) == 0);
    CHECK(close(appender) == 0);

    /* Flags Linux does not know are EOPNOTSUPP, as are RWF_ATOMIC and
       RWF_NOWAIT on a tmpfs file; RWF_NOSIGNAL is known. */
    CHECK(preadv2_(fd, &one, 1, 0, 0x10000) == -1 && errno == EOPNOTSUPP);
    CHECK(pwritev2_(fd, &up, 1, 0, 0x200) == -1 && errno == EOPNOTSUPP);
    CHECK(pwritev2_(fd, &up, 1, 0, RWF_ATOMIC_) == -1 && errno == EOPNOTSUPP);
    CHECK(pwritev2_(fd, &up, 1, 0, RWF_NOSIGNAL_) == 3);

    /* Offsets: below -1 is EINVAL; -1 is EINVAL for preadv. */
    CHECK(preadv2_(fd, &one, 1, -2, 0) == -1 && errno == EINVAL);
    CHECK(preadv_(fd, &one, 1, -1) == -1 && errno == EINVAL);
    CHECK(pwritev_(fd, &up, 1, -5) == -1 && errno == EINVAL);

    /* The iovec array: too many, a negative length, a bad array, a bad buffer. */
    CHECK(preadv_(fd, &one, 1025, 0) == -1 && errno == EINVAL);
    CHECK(preadv_(fd, &one, -1, 0) == -1 && errno == EINVAL);
    struct iovec negative = {x, (size_t)-1};
    CHECK(preadv_(fd, &negative, 1, 0) == -1 && errno == EINVAL);
    CHECK(readv(fd, &negative, 1) == -1 && errno == EINVAL);
    CHECK(preadv_(fd, (struct iovec*)8, 1, 0) == -1 && errno == EFAULT);
    struct iovec bad = {(void*)8, 5};
    CHECK(preadv_(fd, &bad, 1, 0) == -1 && errno == EFAULT);
    CHECK(pwritev_(fd, &bad, 1, 0) == -1 && errno == EFAULT);
    /* A bad second buffer after a good first: the bytes of the first. */
    struct iovec partly[2] = {{x, 4}, {(void*)8, 4}};
    CHECK(preadv_(fd, partly, 2, 0) == 4);

    /* Wrong access mode, a directory, a bad fd. */
    int reader = open(path, O_RDONLY);
    CHECK(reader >= 0);
    CHECK(pwritev_(reader, &up, 1, 0) == -1 && errno == EBADF);
    CHECK(writev(reader, &up, 1) == -1 && errno == EBADF);
    CHECK(close(reader) == 0);
    int directory = open("/tmp", O_RDONLY | O_DIRECTORY);
    CHECK(directory >= 0);
    CHECK(preadv_(directory, &one, 1, 0) == -1 && errno == EISDIR);
    CHECK(close(directory) == 0);
    CHECK(preadv_(999, &one, 1, 0) == -1 && errno == EBADF);

    /* readv/writev at the position, many segments (more than fit on the stack). */
    CHECK(ftruncate(fd, 0) == 0 && lseek(fd, 0, SEEK_SET) == 0);
    static struct iovec many[300];
    static char bytes[300];
    for (int i = 0; i < 300; ++i) {
        bytes[i] = (char)i;
        many[i].iov_base = &bytes[i];
        many[i].iov_len = 1;
    }
    CHECK(writev(fd, many, 300) == 300 && lseek(fd, 0, SEEK_CUR) == 300);
    memset(bytes, 0, sizeof bytes);
    CHECK(preadv_(fd, many, 300, 0) == 300);
    for (int i = 0; i < 300; ++i) CHECK(bytes[i] == (char)i);
    CHECK(close(fd) == 0);
    CHECK(unlink(path) == 0);
}

static void pipes(void) {
    int p[2];
    CHECK(pipe(p) == 0);
    char x[16] = {0};
    struct iovec one = {x, 5};
    /* Offsets on a pipe are ESPIPE; -1 is the pipe's stream. */
    CHECK(preadv_(p[0], &one, 1, 0) == -1 && errno == ESPIPE);
    CHECK(preadv2_(p[0], &one, 1, 0, 0) == -1 && errno == ESPIPE);
    CHECK(pwritev_(p[1], &one, 1, 0) == -1 && errno == ESPIPE);
    /* RWF_NOWAIT: an empty pipe is EAGAIN, not a wait. */
    CHECK(preadv2_(p[0], &one, 1, -1, RWF_NOWAIT_) == -1 && errno == EAGAIN);
    struct iovec parts[3] = {{"ab", 2}, {"cd", 2}, {"e", 1}};
    CHECK(pwritev2_(p[1], parts, 3, -1, RWF_NOWAIT_ | RWF_DSYNC_ | RWF_APPEND_) == 5);
    CHECK(preadv2_(p[0], &one, 1, -1, RWF_NOWAIT_) == 5 && memcmp(x, "abcde", 5) == 0);
    /* A readv takes what is there once it has something: no wait for the second segment. */
    CHECK(write(p[1], "xyz", 3) == 3);
    char y[8];
    struct iovec split[2] = {{x, 2}, {y, 8}};
    CHECK(readv(p[0], split, 2) == 3 && memcmp(x, "xy", 2) == 0 && y[0] == 'z');
    /* RWF_NOSIGNAL: EPIPE without SIGPIPE once the reader is gone. */
    CHECK(close(p[0]) == 0);
    signal(SIGPIPE, SIG_IGN);
    CHECK(pwritev2_(p[1], parts, 1, -1, RWF_NOSIGNAL_) == -1 && errno == EPIPE);
    CHECK(close(p[1]) == 0);
    /* /dev/null and /dev/zero never wait, so RWF_NOWAIT is fine there. */
    int null = open("/dev/null", O_RDWR), zero = open("/dev/zero", O_RDONLY);
    CHECK(null >= 0 && zero >= 0);
    CHECK(pwritev2_(null, &one, 1, -1, RWF_NOWAIT_) == 5);
    CHECK(preadv2_(zero, &one, 1, -1, RWF_NOWAIT_) == 5 && x[0] == 0);
    CHECK(close(null) == 0 && close(zero) == 0);
}

static void vmsplice_calls(void) {
    int p[2];
    CHECK(pipe(p) == 0);
    char a[] = "user ", b[] = "pages";
    struct iovec in[2] = {{a, 5}, {b, 5}};
    CHECK(vmsplice(p[1], in, 2, 0) == 10);
    char x[6] = {0}, y[8] = {0};
    struct iovec out[2] = {{x, 3}, {y, 7}};
    CHECK(vmsplice(p[0], out, 2, 0) == 10);
    CHECK(memcmp(x, "use", 3) == 0 && memcmp(y, "r pages", 7) == 0);
    /* An empty pipe with SPLICE_F_NONBLOCK: EAGAIN. */
    CHECK(vmsplice(p[0], out, 2, SPLICE_F_NONBLOCK) == -1 && errno == EAGAIN);
    /* A full pipe with SPLICE_F_NONBLOCK: EAGAIN. */
    static char block[8192];
    struct iovec big = {block, sizeof block};
    CHECK(vmsplice(p[1], &big, 1, SPLICE_F_NONBLOCK) == 8192);
    CHECK(fcntl(p[1], F_SETFL, O_NONBLOCK) == 0);
    while (write(p[1], block, sizeof block) > 0) {
    }
    CHECK(errno == EAGAIN);
    CHECK(vmsplice(p[1], &big, 1, SPLICE_F_NONBLOCK) == -1 && errno == EAGAIN);
    /* Unknown flags, a file that is not a pipe, bad iovecs. */
    CHECK(vmsplice(p[1], in, 2, 0x100) == -1 && errno == EINVAL);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    CHECK(vmsplice(fd, in, 2, 0) == -1 && errno == EBADF);
    CHECK(vmsplice(p[0], (struct iovec*)8, 1, 0) == -1 && errno == EFAULT);
    CHECK(vmsplice(p[0], in, 1025, 0) == -1 && errno == EINVAL);
    CHECK(vmsplice(999, in, 1, 0) == -1 && errno == EBADF);
    CHECK(close(fd) == 0 && unlink(path) == 0);
    CHECK(close(p[0]) == 0 && close(p[1]) == 0);
}

int main(void) {
    positional();
    pipes();
    vmsplice_calls();
    printf("vectored_io ok\n");
    return 0;
}
