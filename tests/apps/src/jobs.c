/* Process group and session answers of the first process (a session leader), and close_range. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "check.h"

#ifndef SYS_close_range
#define SYS_close_range 436
#endif

int main(void) {
    pid_t pid = getpid();
    CHECK(getpgrp() == pid && getpgid(0) == pid && getsid(0) == pid);
    CHECK(setsid() == -1 && errno == EPERM); /* already a group leader */
    CHECK(setpgid(0, 0) == -1 && errno == EPERM); /* a session leader stays in its group, as on Linux */
    CHECK(getpgid(99999) == -1 && errno == ESRCH);
    int a = open("/etc/hostname", O_RDONLY), b = dup(a), c = dup(a);
    CHECK(a >= 3 && b > a && c > b);
    CHECK(syscall(SYS_close_range, b, b, 4 /* CLOSE_RANGE_CLOEXEC */) == 0);
    CHECK(fcntl(b, F_GETFD) == FD_CLOEXEC);
    CHECK(syscall(SYS_close_range, a, ~0u, 0) == 0);
    CHECK(fcntl(a, F_GETFD) == -1 && errno == EBADF && fcntl(c, F_GETFD) == -1);
    CHECK(fcntl(2, F_GETFD) == 0); /* below the range: untouched */
    printf("jobs ok\n");
    return 0;
}
