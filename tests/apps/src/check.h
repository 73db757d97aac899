/* Tiny self-checking helpers for app tests: a failed CHECK prints where and
   why, and the program exits 1, so `cella run` reports failure. */
#ifndef CELLA_APP_CHECK_H
#define CELLA_APP_CHECK_H
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond)                                                                         \
    do {                                                                                    \
        if (!(cond)) {                                                                      \
            fprintf(stderr, "%s:%d: check failed: %s (errno %d: %s)\n", __FILE__, __LINE__, \
                    #cond, errno, strerror(errno));                                         \
            exit(1);                                                                        \
        }                                                                                   \
    } while (0)

/* Reads a whole (small) file into buffer, NUL-terminated; fails the test
   if it does not fit or cannot be read. */
#include <fcntl.h>
#include <unistd.h>
static inline void read_whole_file(const char* path, char* buffer, size_t size) {
    int fd = open(path, O_RDONLY);
    CHECK(fd >= 0);
    size_t length = 0;
    ssize_t n;
    while (length + 1 < size && (n = read(fd, buffer + length, size - 1 - length)) > 0) length += (size_t)n;
    CHECK(n >= 0 && length + 1 < size);
    buffer[length] = '\0';
    CHECK(close(fd) == 0);
}

/* The target of /proc/self/fd/FD must be `expected`. */
static inline void check_fd_link(int fd, const char* expected) {
    char path[64], target[256];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(path, target, sizeof target - 1);
    CHECK(n > 0);
    target[n] = '\0';
    if (strcmp(target, expected) != 0) fprintf(stderr, "%s is %s, expected %s\n", path, target, expected);
    CHECK(strcmp(target, expected) == 0);
}

#endif
