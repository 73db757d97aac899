/* Syscalls the LibOS does not know get ENOSYS, not a crash. */
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "check.h"

int main(void) {
    errno = 0;
    CHECK(syscall(1000) == -1 && errno == ENOSYS);
    errno = 0;
    CHECK(syscall(1000) == -1 && errno == ENOSYS); /* logged once only */
    errno = 0;
    CHECK(syscall(335) == -1 && errno == ENOSYS); /* a hole in the x86-64 table */
    errno = 0;
    CHECK(syscall(SYS_fork) == -1 && errno == ENOSYS);
    CHECK(syscall(SYS_fork) == -1 && errno == ENOSYS);
    CHECK(getpid() == 1);
    printf("enosys ok\n");
    return 0;
}
