/* memfd_create and its seals (F_ADD_SEALS / F_GET_SEALS), as Linux 6.x. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "check.h"

#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x10
#endif
#define F_SEAL_EXEC_ 0x20
#define MFD_NOEXEC_SEAL_ 0x8
#define MFD_EXEC_ 0x10

static int make(const char* name, unsigned flags) { return (int)syscall(SYS_memfd_create, name, flags); }

static void link_of(int fd, char* out, size_t size) {
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(path, out, size - 1);
    CHECK(n > 0);
    out[n] = '\0';
}

static int map_fails(int fd, int prot, int flags, int error) {
    void* at = mmap(NULL, 4096, prot, flags, fd, 0);
    if (at != MAP_FAILED) {
        CHECK(munmap(at, 4096) == 0);
        return 0;
    }
    return errno == error;
}

int main(void) {
    /* A plain memfd: an empty, unnamed, readable and writable file. */
    int fd = make("cella test", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    CHECK(fd >= 0);
    CHECK(fcntl(fd, F_GETFD) == FD_CLOEXEC);
    CHECK((fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR);
    struct stat st;
    CHECK(fstat(fd, &st) == 0);
    CHECK(S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0777 && st.st_size == 0 && st.st_nlink == 0);
    char link[256];
    link_of(fd, link, sizeof link);
    CHECK(strcmp(link, "/memfd:cella test (deleted)") == 0);
    CHECK(write(fd, "hello memfd", 11) == 11);
    char buffer[32] = {0};
    CHECK(pread(fd, buffer, sizeof buffer, 0) == 11 && memcmp(buffer, "hello memfd", 11) == 0);
    CHECK(ftruncate(fd, 8192) == 0 && fstat(fd, &st) == 0 && st.st_size == 8192);
    /* A shared mapping sees the file. */
    char* map = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0);
    CHECK(map != MAP_FAILED && memcmp(map, "hello memfd", 11) == 0);
    /* Reopened through /proc/self/fd: the same file. */
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    int again = open(path, O_RDWR);
    CHECK(again >= 0);
    CHECK(fstat(again, &st) == 0 && st.st_size == 8192);
    CHECK(pwrite(again, "J", 1, 0) == 1 && pread(fd, buffer, 1, 0) == 1 && buffer[0] == 'J');
    CHECK(close(again) == 0);

    /* Seals. */
    CHECK(fcntl(fd, F_GET_SEALS) == 0);
    /* F_SEAL_WRITE needs every shared mapping that could write gone: even a
       read-only one of an fd open for writing counts. */
    CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE) == -1 && errno == EBUSY);
    CHECK(munmap(map, 8192) == 0);
    CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE) == 0);
    CHECK(fcntl(fd, F_GET_SEALS) == F_SEAL_WRITE);
    CHECK(write(fd, "x", 1) == -1 && errno == EPERM);
    CHECK(pwrite(fd, "x", 1, 0) == -1 && errno == EPERM);
    CHECK(map_fails(fd, PROT_READ | PROT_WRITE, MAP_SHARED, EPERM));
    CHECK(!map_fails(fd, PROT_READ, MAP_SHARED, EPERM));
    CHECK(!map_fails(fd, PROT_READ | PROT_WRITE, MAP_PRIVATE, EPERM));
    CHECK(ftruncate(fd, 100) == 0); /* no size seal yet */
    CHECK(fcntl(fd, F_ADD_SEALS, 0x100) == -1 && errno == EINVAL);
    CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL) == 0);
    CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK) == -1 && errno == EPERM);
    CHECK(fcntl(fd, F_ADD_SEALS, 0) == -1 && errno == EPERM);
    CHECK(fcntl(fd, F_GET_SEALS) == (F_SEAL_WRITE | F_SEAL_SEAL));
    CHECK(close(fd) == 0);

    /* F_SEAL_SHRINK and F_SEAL_GROW fix the size. */
    fd = make("sizes", MFD_ALLOW_SEALING);
    CHECK(fd >= 0 && write(fd, "0123456789", 10) == 10);
    CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW) == 0);
    CHECK(ftruncate(fd, 5) == -1 && errno == EPERM);
    CHECK(ftruncate(fd, 20) == -1 && errno == EPERM);
    CHECK(ftruncate(fd, 10) == 0);
    CHECK(pwrite(fd, "ab", 2, 8) == 2);
    CHECK(pwrite(fd, "ab", 2, 9) == -1 && errno == EPERM);
    /* Sealing needs an fd open for writing. */
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    int reader = open(path, O_RDONLY);
    CHECK(reader >= 0);
    CHECK(fcntl(reader, F_GET_SEALS) == (F_SEAL_SHRINK | F_SEAL_GROW));
    CHECK(fcntl(reader, F_ADD_SEALS, F_SEAL_WRITE) == -1 && errno == EPERM);
    CHECK(close(reader) == 0 && close(fd) == 0);

    /* F_SEAL_FUTURE_WRITE: no more writes or writable shared mappings; size changes stay allowed. */
    fd = make("future", MFD_ALLOW_SEALING);
    CHECK(fd >= 0 && ftruncate(fd, 4096) == 0);
    map = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(map != MAP_FAILED);
    CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_FUTURE_WRITE) == 0);
    CHECK(write(fd, "x", 1) == -1 && errno == EPERM);
    CHECK(map_fails(fd, PROT_READ | PROT_WRITE, MAP_SHARED, EPERM));
    CHECK(ftruncate(fd, 100) == 0);
    CHECK(munmap(map, 4096) == 0);
    CHECK(close(fd) == 0);

    /* Without MFD_ALLOW_SEALING the file is sealed against seals. */
    fd = make("unsealable", 0);
    CHECK(fd >= 0 && fcntl(fd, F_GETFD) == 0);
    CHECK(fcntl(fd, F_GET_SEALS) == F_SEAL_SEAL);
    CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE) == -1 && errno == EPERM);
    CHECK(close(fd) == 0);

    /* MFD_NOEXEC_SEAL: no execute bits, F_SEAL_EXEC keeps them off, sealing allowed. */
    fd = make("noexec", MFD_NOEXEC_SEAL_);
    CHECK(fd >= 0 && fstat(fd, &st) == 0 && (st.st_mode & 07777) == 0666);
    CHECK(fcntl(fd, F_GET_SEALS) == F_SEAL_EXEC_);
    CHECK(fchmod(fd, 0755) == -1 && errno == EPERM);
    CHECK(fchmod(fd, 0644) == 0);
    CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_GROW) == 0);
    CHECK(close(fd) == 0);

    /* Names and flags. */
    char name[300];
    memset(name, 'n', sizeof name);
    name[249] = '\0';
    fd = make(name, 0);
    CHECK(fd >= 0 && close(fd) == 0);
    name[249] = 'n';
    name[250] = '\0';
    CHECK(make(name, 0) == -1 && errno == EINVAL);
    CHECK(make((const char*)8, 0) == -1 && errno == EFAULT);
    CHECK(make("x", 0x40) == -1 && errno == EINVAL);
    CHECK(make("x", MFD_EXEC_ | MFD_NOEXEC_SEAL_) == -1 && errno == EINVAL);
    /* MFD_HUGETLB depends on the kernel's huge pages: cella has none and
       answers as a kernel without hugetlbfs does. */
    fd = make("huge", MFD_HUGETLB);
    CHECK(fd >= 0 || errno == EINVAL);
    if (fd >= 0) CHECK(close(fd) == 0);
    CHECK(make("x", 0x40 | MFD_HUGETLB) == -1 && errno == EINVAL);
    /* Seals are a memfd's (or tmpfs's): a pipe has none. */
    int p[2];
    CHECK(pipe(p) == 0);
    CHECK(fcntl(p[0], F_GET_SEALS) == -1 && errno == EINVAL);
    CHECK(close(p[0]) == 0 && close(p[1]) == 0);
    printf("memfd ok\n");
    return 0;
}
