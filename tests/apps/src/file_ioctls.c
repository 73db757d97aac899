/* The generic ioctls on every kind of file: FIONBIO and FIOASYNC (status
   flags), FIOCLEX/FIONCLEX (the fd's close-on-exec bit), and FIONREAD
   (bytes from the offset to the end of a regular file, bytes queued in a
   pipe, ENOTTY where Linux has none). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

static int set_flag(int fd, unsigned long request, int on) { return ioctl(fd, request, &on); }

static int readable_bytes(int fd) {
    int n = -12345;
    if (ioctl(fd, FIONREAD, &n) != 0) return -12345;
    return n;
}

/* FIONBIO and FIOCLEX/FIONCLEX behave the same on every file. */
static void common(int fd) {
    int flags = fcntl(fd, F_GETFL);
    CHECK(flags >= 0);
    CHECK(set_flag(fd, FIONBIO, 1) == 0 && (fcntl(fd, F_GETFL) & O_NONBLOCK));
    CHECK(set_flag(fd, FIONBIO, 0) == 0 && !(fcntl(fd, F_GETFL) & O_NONBLOCK));
    CHECK(fcntl(fd, F_SETFL, flags) == 0);
    CHECK(ioctl(fd, FIONBIO, (void*)16) == -1 && errno == EFAULT);
    CHECK(ioctl(fd, FIOCLEX) == 0 && fcntl(fd, F_GETFD) == FD_CLOEXEC);
    CHECK(ioctl(fd, FIONCLEX) == 0 && fcntl(fd, F_GETFD) == 0);
    /* Turning O_ASYNC off when it is off is fine everywhere. */
    CHECK(set_flag(fd, FIOASYNC, 0) == 0);
}

/* A file without asynchronous notification: FIOASYNC cannot turn it on. */
static void no_async(int fd) {
    CHECK(set_flag(fd, FIOASYNC, 1) == -1 && errno == ENOTTY);
    CHECK(!(fcntl(fd, F_GETFL) & O_ASYNC));
}

static void no_fionread(int fd) {
    int n = 7;
    CHECK(ioctl(fd, FIONREAD, &n) == -1 && errno == ENOTTY && n == 7);
}

static void regular_file(int fd, off_t size) {
    common(fd);
    no_async(fd);
    CHECK(lseek(fd, 0, SEEK_SET) == 0);
    CHECK(readable_bytes(fd) == size);
    CHECK(lseek(fd, size / 2, SEEK_SET) == size / 2);
    CHECK(readable_bytes(fd) == size - size / 2);
    CHECK(lseek(fd, size + 100, SEEK_SET) == size + 100);
    CHECK(readable_bytes(fd) == -100); /* past the end: negative, as Linux says */
    CHECK(ioctl(fd, FIONREAD, (void*)16) == -1 && errno == EFAULT);
}

int main(void) {
    /* A regular file of the image (the program itself) and one in /tmp. */
    int fd = open("/proc/self/exe", O_RDONLY);
    CHECK(fd >= 0);
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && S_ISREG(st.st_mode));
    regular_file(fd, st.st_size);
    close(fd);
    char path[64];
    snprintf(path, sizeof path, "/tmp/cella-ioctls-%d", getpid());
    fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
    CHECK(fd >= 0);
    char data[1000];
    memset(data, 'x', sizeof data);
    CHECK(write(fd, data, sizeof data) == (ssize_t)sizeof data);
    regular_file(fd, sizeof data);
    close(fd);
    CHECK(unlink(path) == 0);

    /* A directory. */
    fd = open("/tmp", O_RDONLY | O_DIRECTORY);
    CHECK(fd >= 0);
    common(fd);
    no_async(fd);
    no_fionread(fd);
    close(fd);

    /* A pipe: FIONREAD counts what is queued; FIONBIO makes an empty read EAGAIN. */
    int pipe_fds[2];
    CHECK(pipe(pipe_fds) == 0);
    common(pipe_fds[0]);
    common(pipe_fds[1]);
    CHECK(readable_bytes(pipe_fds[0]) == 0);
    CHECK(write(pipe_fds[1], "0123456789", 10) == 10);
    CHECK(readable_bytes(pipe_fds[0]) == 10);
    CHECK(read(pipe_fds[0], data, 4) == 4);
    CHECK(readable_bytes(pipe_fds[0]) == 6);
    CHECK(read(pipe_fds[0], data, 6) == 6);
    CHECK(set_flag(pipe_fds[0], FIONBIO, 1) == 0);
    CHECK(read(pipe_fds[0], data, 1) == -1 && errno == EAGAIN);
    CHECK(set_flag(pipe_fds[0], FIONBIO, 0) == 0);
    CHECK(set_flag(pipe_fds[0], FIOASYNC, 1) == 0 && (fcntl(pipe_fds[0], F_GETFL) & O_ASYNC));
    CHECK(set_flag(pipe_fds[0], FIOASYNC, 0) == 0 && !(fcntl(pipe_fds[0], F_GETFL) & O_ASYNC));
    close(pipe_fds[0]);
    close(pipe_fds[1]);

    /* An eventfd: FIONBIO makes a read of a zero counter EAGAIN; no FIONREAD, no FIOASYNC. */
    fd = eventfd(0, 0);
    CHECK(fd >= 0);
    common(fd);
    no_async(fd);
    no_fionread(fd);
    CHECK(set_flag(fd, FIONBIO, 1) == 0);
    unsigned long long counter;
    CHECK(read(fd, &counter, sizeof counter) == -1 && errno == EAGAIN);
    close(fd);

    /* Devices. */
    const char* devices[] = {"/dev/null", "/dev/zero", "/dev/full"};
    for (int i = 0; i < 3; ++i) {
        fd = open(devices[i], O_RDWR);
        CHECK(fd >= 0);
        common(fd);
        no_async(fd);
        no_fionread(fd);
        close(fd);
    }

    /* The streams the program was started with (a terminal, pipe, file or
       /dev/null): the flag calls work, and FIONREAD answers as the file allows. */
    for (fd = 0; fd <= 2; ++fd) {
        common(fd);
        CHECK(fstat(fd, &st) == 0);
        int n = readable_bytes(fd);
        if (S_ISREG(st.st_mode) || S_ISFIFO(st.st_mode) || isatty(fd)) CHECK(n != -12345);
    }
    /* A non-blocking read of stdin answers at once: data, end of file or EAGAIN. */
    CHECK(set_flag(0, FIONBIO, 1) == 0);
    ssize_t n = read(0, data, 1);
    CHECK(n >= 0 || errno == EAGAIN);
    CHECK(set_flag(0, FIONBIO, 0) == 0);
    printf("file_ioctls ok\n");
    return 0;
}
