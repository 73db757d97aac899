/* memfd_secret: memory reached only through shared mappings. Its size is
   set once, read/write/seek and private or executable mappings are
   refused as Linux refuses them, and two mappings see the same bytes. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "check.h"

#ifndef SYS_memfd_secret
#define SYS_memfd_secret 447
#endif

int main(void) {
    CHECK(syscall(SYS_memfd_secret, 1) == -1 && errno == EINVAL);
    int fd = (int)syscall(SYS_memfd_secret, O_CLOEXEC);
    CHECK(fd >= 0);
    CHECK(fcntl(fd, F_GETFD) == FD_CLOEXEC);
    CHECK((fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR);
    check_fd_link(fd, "/secretmem (deleted)");
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0);

    char byte = 0;
    CHECK(read(fd, &byte, 1) == -1 && errno == EINVAL);
    CHECK(write(fd, &byte, 1) == -1 && errno == EINVAL);
    CHECK(pread(fd, &byte, 1, 0) == -1 && errno == ESPIPE);
    CHECK(lseek(fd, 0, SEEK_END) == -1 && errno == ESPIPE);

    long page = sysconf(_SC_PAGESIZE);
    CHECK(ftruncate(fd, 2 * page) == 0);
    CHECK(fstat(fd, &st) == 0 && st.st_size == 2 * page);
    CHECK(ftruncate(fd, 4 * page) == -1 && errno == EINVAL);
    CHECK(ftruncate(fd, page) == -1 && errno == EINVAL);

    CHECK(mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0) == MAP_FAILED && errno == EINVAL);
    CHECK(mmap(NULL, page, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0) == MAP_FAILED && errno == EPERM);
    char* one = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(one != MAP_FAILED);
    char* two = mmap(NULL, 2 * page, PROT_READ, MAP_SHARED, fd, 0);
    CHECK(two != MAP_FAILED);
    strcpy(one + page, "secret");
    CHECK(strcmp(two + page, "secret") == 0);

    CHECK(fsync(fd) == -1 && errno == EINVAL);
    CHECK(fcntl(fd, F_GET_SEALS) == -1 && errno == EINVAL);
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    CHECK(open(path, O_RDWR) == -1 && errno == ENXIO);
    CHECK(fchmod(fd, 0644) == 0);

    CHECK(munmap(one, 2 * page) == 0 && munmap(two, 2 * page) == 0);
    close(fd);
    puts("memfd_secret ok");
    return 0;
}
