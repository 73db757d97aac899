/* Bad pointers get EFAULT from the LibOS, which keeps running. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "check.h"

int main(void) {
    errno = 0;
    CHECK(write(1, (void*)1, 10) == -1 && errno == EFAULT);
    errno = 0;
    CHECK(syscall(SYS_write, 1, (void*)0xffff800000000000ull, 4) == -1 && errno == EFAULT);
    int fd = open("/etc/hostname", O_RDONLY);
    CHECK(fd >= 0);
    errno = 0;
    CHECK(read(fd, (void*)16, 4) == -1 && errno == EFAULT);
    /* A read-only page is no destination either. */
    errno = 0;
    CHECK(read(fd, (void*)main, 4) == -1 && errno == EFAULT);
    errno = 0;
    CHECK(syscall(SYS_openat, AT_FDCWD, (const char*)8, O_RDONLY) == -1 && errno == EFAULT);
    errno = 0;
    CHECK(syscall(SYS_fstat, fd, (struct stat*)24) == -1 && errno == EFAULT);
    struct iovec bad = {(void*)32, 8};
    errno = 0;
    CHECK(writev(1, &bad, 1) == -1 && errno == EFAULT);
    errno = 0;
    CHECK(syscall(SYS_uname, (void*)40) == -1 && errno == EFAULT);
    printf("efault ok\n");
    return 0;
}
