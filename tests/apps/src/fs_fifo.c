/* mknod and named pipes: a FIFO's open waits for the other side (O_NONBLOCK
   readers go ahead, O_NONBLOCK writers get ENXIO, O_RDWR never waits);
   data flows between processes; a socket node cannot be opened (ENXIO);
   S_IFREG and mode 0 make regular files; folders are EPERM, unknown types
   EINVAL. Device nodes: Linux lets root make them; cella has no devices
   and answers EPERM. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "run_self.h"

static char dir[64], fifo[96], node[96];

static int writer(void) {
    int fd = open(fifo, O_WRONLY); /* waits for the parent's reader */
    CHECK(fd >= 0);
    CHECK(write(fd, "hello", 5) == 5);
    CHECK(close(fd) == 0);
    return 0;
}

static int reader(void) {
    int fd = open(fifo, O_RDONLY); /* waits for the parent's writer */
    CHECK(fd >= 0);
    char buffer[16];
    CHECK(read(fd, buffer, sizeof buffer) == 3 && memcmp(buffer, "abc", 3) == 0);
    CHECK(read(fd, buffer, sizeof buffer) == 0); /* the writer closed */
    CHECK(close(fd) == 0);
    return 0;
}

int main(int argc, char** argv) {
    snprintf(dir, sizeof dir, "/tmp/fifo-%d", test_pid(argc, argv));
    snprintf(fifo, sizeof fifo, "%s/fifo", dir);
    snprintf(node, sizeof node, "%s/node", dir);
    if (argc > 1 && strcmp(argv[1], "writer") == 0) return writer();
    if (argc > 1 && strcmp(argv[1], "reader") == 0) return reader();
    CHECK(mkdir(dir, 0755) == 0);
    umask(022);

    CHECK(mkfifo(fifo, 0666) == 0);
    struct stat st;
    CHECK(stat(fifo, &st) == 0 && S_ISFIFO(st.st_mode) && (st.st_mode & 0777) == 0644 && st.st_size == 0);
    CHECK(mkfifo(fifo, 0666) == -1 && errno == EEXIST);

    /* Non-blocking opens. */
    CHECK(open(fifo, O_WRONLY | O_NONBLOCK) == -1 && errno == ENXIO);
    int r = open(fifo, O_RDONLY | O_NONBLOCK);
    CHECK(r >= 0);
    char buffer[16];
    CHECK(read(r, buffer, sizeof buffer) == 0); /* no writer: end of file */
    int w = open(fifo, O_WRONLY | O_NONBLOCK);
    CHECK(w >= 0);
    CHECK(read(r, buffer, sizeof buffer) == -1 && errno == EAGAIN);
    struct pollfd pfd = {r, POLLIN, 0};
    CHECK(poll(&pfd, 1, 0) == 0);
    CHECK(write(w, "ab", 2) == 2);
    CHECK(poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLIN));
    CHECK(read(r, buffer, sizeof buffer) == 2 && memcmp(buffer, "ab", 2) == 0);
    CHECK(read(w, buffer, 1) == -1 && errno == EBADF);
    CHECK(write(r, "x", 1) == -1 && errno == EBADF);
    CHECK(fstat(w, &st) == 0 && S_ISFIFO(st.st_mode));
    CHECK(close(w) == 0 && close(r) == 0);

    /* O_RDWR never waits; the data goes with the last close. */
    int rw = open(fifo, O_RDWR);
    CHECK(rw >= 0 && write(rw, "xyz", 3) == 3 && read(rw, buffer, 1) == 1 && buffer[0] == 'x');
    CHECK(close(rw) == 0);
    rw = open(fifo, O_RDWR | O_NONBLOCK);
    CHECK(rw >= 0 && read(rw, buffer, sizeof buffer) == -1 && errno == EAGAIN);
    CHECK(close(rw) == 0);

    /* Blocking opens meet a process on the other side. */
    pid_t pid = spawn_self(argv[0], "writer");
    r = open(fifo, O_RDONLY);
    CHECK(r >= 0);
    size_t got = 0;
    ssize_t n;
    while ((n = read(r, buffer + got, sizeof buffer - got)) > 0) got += (size_t)n;
    CHECK(n == 0 && got == 5 && memcmp(buffer, "hello", 5) == 0);
    CHECK(close(r) == 0);
    reap(pid);
    pid = spawn_self(argv[0], "reader");
    w = open(fifo, O_WRONLY);
    CHECK(w >= 0 && write(w, "abc", 3) == 3 && close(w) == 0);
    reap(pid);

    /* A socket node: no one listens, so opening it is ENXIO; O_PATH works. */
    CHECK(mknod(node, S_IFSOCK | 0755, 0) == 0);
    CHECK(stat(node, &st) == 0 && S_ISSOCK(st.st_mode) && (st.st_mode & 0777) == 0755);
    CHECK(open(node, O_RDONLY) == -1 && errno == ENXIO);
    int path_fd = open(node, O_PATH);
    CHECK(path_fd >= 0 && close(path_fd) == 0);
    CHECK(unlink(node) == 0);

    /* Regular files: S_IFREG or no type. */
    CHECK(mknod(node, S_IFREG | 0600, 0) == 0 && stat(node, &st) == 0 && S_ISREG(st.st_mode));
    CHECK((st.st_mode & 0777) == 0600 && st.st_size == 0);
    CHECK(mknod(node, S_IFREG | 0600, 0) == -1 && errno == EEXIST);
    CHECK(unlink(node) == 0);
    CHECK(mknod(node, 0640, 0) == 0 && stat(node, &st) == 0 && S_ISREG(st.st_mode) && unlink(node) == 0);
    CHECK(mknodat(AT_FDCWD, node, S_IFIFO | 0600, 0) == 0 && stat(node, &st) == 0 && S_ISFIFO(st.st_mode));
    CHECK(unlink(node) == 0);

    /* Bad types. */
    CHECK(mknod(node, S_IFDIR | 0755, 0) == -1 && errno == EPERM);
    CHECK(mknod(node, S_IFLNK | 0755, 0) == -1 && errno == EINVAL);
    CHECK(mknod(node, 0170000 | 0755, 0) == -1 && errno == EINVAL);
    /* Device nodes: root may make them on Linux; cella answers EPERM. */
    if (mknod(node, S_IFCHR | 0600, makedev(1, 3)) == 0) {
        CHECK(stat(node, &st) == 0 && S_ISCHR(st.st_mode) && unlink(node) == 0);
    } else {
        CHECK(errno == EPERM);
    }
    if (mknod(node, S_IFBLK | 0600, makedev(7, 0)) == 0)
        CHECK(unlink(node) == 0);
    else
        CHECK(errno == EPERM);
    CHECK(access(node, F_OK) == -1 && errno == ENOENT);

    CHECK(unlink(fifo) == 0 && rmdir(dir) == 0);
    printf("fs_fifo ok\n");
    return 0;
}
