/* openat2 with struct open_how and the RESOLVE_* flags, as Linux 6.x. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "check.h"

#define ROOT "/tmp/openat2.d"

/* linux/openat2.h, which musl's headers do not carry. */
struct open_how {
    uint64_t flags;
    uint64_t mode;
    uint64_t resolve;
};
#define RESOLVE_NO_XDEV 0x01
#define RESOLVE_NO_MAGICLINKS 0x02
#define RESOLVE_NO_SYMLINKS 0x04
#define RESOLVE_BENEATH 0x08
#define RESOLVE_IN_ROOT 0x10
#define RESOLVE_CACHED 0x20
#ifndef SYS_openat2
#define SYS_openat2 437
#endif

static long open2(int dirfd, const char* path, uint64_t flags, uint64_t mode, uint64_t resolve) {
    struct open_how how = {.flags = flags, .mode = mode, .resolve = resolve};
    return syscall(SYS_openat2, dirfd, path, &how, sizeof how);
}

/* Opens, checks it is `expected` (by inode), closes. */
static void opens_as(int dirfd, const char* path, uint64_t resolve, const char* expected) {
    int fd = (int)open2(dirfd, path, O_RDONLY, 0, resolve);
    CHECK(fd >= 0);
    struct stat a, b;
    CHECK(fstat(fd, &a) == 0 && stat(expected, &b) == 0);
    CHECK(a.st_ino == b.st_ino && a.st_dev == b.st_dev);
    CHECK(close(fd) == 0);
}

static int fails(long result, int error) { return result == -1 && errno == error; }

static void cleanup(void) {
    unlink(ROOT "/sub/up");
    unlink(ROOT "/rel");
    unlink(ROOT "/abs");
    unlink(ROOT "/sub/f");
    unlink(ROOT "/sub/new");
    rmdir(ROOT "/sub");
    rmdir(ROOT);
}

int main(void) {
    cleanup();
    CHECK(mkdir(ROOT, 0755) == 0 && mkdir(ROOT "/sub", 0755) == 0);
    int fd = open(ROOT "/sub/f", O_CREAT | O_WRONLY, 0644);
    CHECK(fd >= 0 && close(fd) == 0);
    CHECK(symlink("sub/f", ROOT "/rel") == 0);
    CHECK(symlink(ROOT "/sub/f", ROOT "/abs") == 0);
    CHECK(symlink("../..", ROOT "/sub/up") == 0);
    int dir = open(ROOT, O_RDONLY | O_DIRECTORY);
    CHECK(dir >= 0);

    /* Without resolve flags it is openat. */
    opens_as(dir, "sub/f", 0, ROOT "/sub/f");
    opens_as(dir, "rel", 0, ROOT "/sub/f");
    opens_as(AT_FDCWD, ROOT "/abs", 0, ROOT "/sub/f");
    fd = (int)open2(dir, "sub/new", O_CREAT | O_RDWR | O_CLOEXEC, 0600, 0);
    CHECK(fd >= 0 && fcntl(fd, F_GETFD) == FD_CLOEXEC && close(fd) == 0);

    /* RESOLVE_NO_SYMLINKS: any link on the way is ELOOP; O_PATH|O_NOFOLLOW opens the link itself. */
    CHECK(fails(open2(dir, "rel", O_RDONLY, 0, RESOLVE_NO_SYMLINKS), ELOOP));
    CHECK(fails(open2(dir, "sub/up/tmp", O_RDONLY, 0, RESOLVE_NO_SYMLINKS), ELOOP));
    fd = (int)open2(dir, "rel", O_PATH | O_NOFOLLOW, 0, RESOLVE_NO_SYMLINKS);
    CHECK(fd >= 0 && close(fd) == 0);
    opens_as(dir, "sub/f", RESOLVE_NO_SYMLINKS, ROOT "/sub/f");

    /* RESOLVE_BENEATH: never above dirfd. */
    opens_as(dir, "rel", RESOLVE_BENEATH, ROOT "/sub/f");
    opens_as(dir, "sub/../sub/f", RESOLVE_BENEATH, ROOT "/sub/f");
    CHECK(fails(open2(dir, ROOT "/sub/f", O_RDONLY, 0, RESOLVE_BENEATH), EXDEV));
    CHECK(fails(open2(dir, "abs", O_RDONLY, 0, RESOLVE_BENEATH), EXDEV));
    CHECK(fails(open2(dir, "..", O_RDONLY, 0, RESOLVE_BENEATH), EXDEV));
    CHECK(fails(open2(dir, "sub/up", O_RDONLY, 0, RESOLVE_BENEATH), EXDEV));

    /* RESOLVE_IN_ROOT: dirfd is "/", absolute paths and links included. */
    opens_as(dir, "/sub/f", RESOLVE_IN_ROOT, ROOT "/sub/f");
    opens_as(dir, "../../sub/f", RESOLVE_IN_ROOT, ROOT "/sub/f");
    opens_as(dir, "sub/up/sub/f", RESOLVE_IN_ROOT, ROOT "/sub/f");
    CHECK(fails(open2(dir, "abs", O_RDONLY, 0, RESOLVE_IN_ROOT), ENOENT)); /* ROOT/tmp/... is not there */

    /* Magic links: /proc/self/fd/N reaches the open file. */
    int target = open(ROOT "/sub/f", O_RDONLY);
    CHECK(target >= 0);
    char magic[64];
    snprintf(magic, sizeof magic, "/proc/self/fd/%d", target);
    opens_as(AT_FDCWD, magic, 0, ROOT "/sub/f");
    CHECK(fails(open2(AT_FDCWD, magic, O_RDONLY, 0, RESOLVE_NO_MAGICLINKS), ELOOP));
    CHECK(fails(open2(AT_FDCWD, magic, O_RDONLY, 0, RESOLVE_NO_SYMLINKS), ELOOP));
    fd = (int)open2(AT_FDCWD, magic, O_PATH | O_NOFOLLOW, 0, RESOLVE_NO_MAGICLINKS);
    CHECK(fd >= 0 && close(fd) == 0);
    int proc = open("/proc", O_RDONLY | O_DIRECTORY);
    CHECK(proc >= 0);
    snprintf(magic, sizeof magic, "self/fd/%d", target);
    CHECK(fails(open2(proc, magic, O_RDONLY, 0, RESOLVE_BENEATH), EXDEV));
    CHECK(fails(open2(proc, magic, O_RDONLY, 0, RESOLVE_IN_ROOT), EXDEV));

    /* RESOLVE_NO_XDEV: no mount crossing, either way. */
    CHECK(fails(open2(AT_FDCWD, "/proc/self", O_RDONLY, 0, RESOLVE_NO_XDEV), EXDEV));
    CHECK(fails(open2(proc, "..", O_RDONLY, 0, RESOLVE_NO_XDEV), EXDEV));
    opens_as(dir, "sub/f", RESOLVE_NO_XDEV, ROOT "/sub/f");
    CHECK(close(proc) == 0 && close(target) == 0);

    /* RESOLVE_CACHED: a lookup is fine; creating or truncating is EAGAIN. */
    opens_as(dir, "sub/f", RESOLVE_CACHED, ROOT "/sub/f");
    CHECK(fails(open2(dir, "sub/g", O_RDWR | O_CREAT, 0600, RESOLVE_CACHED), EAGAIN));
    CHECK(fails(open2(dir, "sub/f", O_WRONLY | O_TRUNC, 0, RESOLVE_CACHED), EAGAIN));

    /* Bad flags, modes, resolve bits and sizes. */
    CHECK(fails(open2(dir, "sub/f", O_RDONLY, 0, RESOLVE_BENEATH | RESOLVE_IN_ROOT), EINVAL));
    CHECK(fails(open2(dir, "sub/f", O_RDONLY, 0, 0x40), EINVAL));
    CHECK(fails(open2(dir, "sub/f", 1ull << 40, 0, 0), EINVAL));
    CHECK(fails(open2(dir, "sub/f", 0x80000000ull, 0, 0), EINVAL));
    CHECK(fails(open2(dir, "sub/f", O_RDONLY, 0644, 0), EINVAL));      /* a mode without O_CREAT */
    CHECK(fails(open2(dir, "sub/h", O_RDWR | O_CREAT, 010000, 0), EINVAL));
    CHECK(fails(open2(dir, "sub/f", O_PATH | O_CREAT, 0, 0), EINVAL));
    CHECK(fails(open2(dir, "sub", O_TMPFILE | O_RDONLY, 0600, 0), EINVAL));
    fd = (int)open2(dir, "sub", O_TMPFILE | O_RDWR, 0600, 0);
    CHECK(fd >= 0 && close(fd) == 0);
    struct {
        struct open_how how;
        uint64_t extra;
    } big = {{.flags = O_RDONLY}, 0};
    fd = (int)syscall(SYS_openat2, dir, "sub/f", &big, sizeof big);
    CHECK(fd >= 0 && close(fd) == 0);
    big.extra = 1;
    CHECK(fails(syscall(SYS_openat2, dir, "sub/f", &big, sizeof big), E2BIG));
    CHECK(fails(syscall(SYS_openat2, dir, "sub/f", &big, 16), EINVAL));
    CHECK(fails(syscall(SYS_openat2, dir, "sub/f", &big, 4097), E2BIG));
    CHECK(fails(syscall(SYS_openat2, dir, "sub/f", (void*)8, sizeof(struct open_how)), EFAULT));
    CHECK(fails(open2(dir, (const char*)8, O_RDONLY, 0, 0), EFAULT));
    CHECK(fails(open2(999, "sub/f", O_RDONLY, 0, 0), EBADF));
    CHECK(fails(open2(dir, "missing", O_RDONLY, 0, RESOLVE_BENEATH), ENOENT));
    CHECK(close(dir) == 0);
    cleanup();
    printf("openat2 ok\n");
    return 0;
}
