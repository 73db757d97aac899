/* O_TMPFILE: an unnamed file in a directory, named later with linkat from
   /proc/self/fd/N (AT_SYMLINK_FOLLOW) or from the fd (AT_EMPTY_PATH). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

static void proc_path(int fd, char* out, size_t size) { snprintf(out, size, "/proc/self/fd/%d", fd); }

int main(void) {
    const char* named = "/tmp/tmpfile.named";
    const char* second = "/tmp/tmpfile.second";
    unlink(named);
    unlink(second);
    umask(022);
    int fd = open("/tmp", O_TMPFILE | O_RDWR, 0666);
    CHECK(fd >= 0);
    struct stat st;
    CHECK(fstat(fd, &st) == 0);
    CHECK(S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0644 && st.st_nlink == 0 && st.st_size == 0);
    char path[64], link[256];
    proc_path(fd, path, sizeof path);
    ssize_t n = readlink(path, link, sizeof link - 1);
    CHECK(n > 0);
    link[n] = '\0';
    CHECK(strncmp(link, "/tmp/#", 6) == 0 && strstr(link, " (deleted)") != NULL);
    CHECK(write(fd, "unnamed", 7) == 7);

    /* Named through the magic link. */
    CHECK(linkat(AT_FDCWD, path, AT_FDCWD, named, AT_SYMLINK_FOLLOW) == 0);
    CHECK(fstat(fd, &st) == 0 && st.st_nlink == 1);
    char buffer[16] = {0};
    int reader = open(named, O_RDONLY);
    CHECK(reader >= 0 && read(reader, buffer, sizeof buffer) == 7 && memcmp(buffer, "unnamed", 7) == 0);
    CHECK(close(reader) == 0);
    /* Once named it is an ordinary file: another name through the fd. */
    CHECK(linkat(fd, "", AT_FDCWD, second, AT_EMPTY_PATH) == 0);
    CHECK(fstat(fd, &st) == 0 && st.st_nlink == 2);
    CHECK(unlink(second) == 0 && unlink(named) == 0 && close(fd) == 0);

    /* Named through the fd itself. */
    fd = open("/tmp", O_TMPFILE | O_WRONLY, 0600);
    CHECK(fd >= 0);
    CHECK(linkat(fd, "", AT_FDCWD, named, AT_EMPTY_PATH) == 0);
    CHECK(stat(named, &st) == 0 && (st.st_mode & 0777) == 0600 && st.st_nlink == 1);
    /* A name that exists already. */
    int other = open("/tmp", O_TMPFILE | O_RDWR, 0600);
    CHECK(other >= 0);
    CHECK(linkat(other, "", AT_FDCWD, named, AT_EMPTY_PATH) == -1 && errno == EEXIST);
    CHECK(close(other) == 0);
    CHECK(unlink(named) == 0 && close(fd) == 0);

    /* O_EXCL: it never gets a name. */
    fd = open("/tmp", O_TMPFILE | O_RDWR | O_EXCL, 0600);
    CHECK(fd >= 0);
    proc_path(fd, path, sizeof path);
    CHECK(linkat(AT_FDCWD, path, AT_FDCWD, named, AT_SYMLINK_FOLLOW) == -1 && errno == ENOENT);
    CHECK(linkat(fd, "", AT_FDCWD, named, AT_EMPTY_PATH) == -1 && errno == ENOENT);
    CHECK(close(fd) == 0);
    /* Nor does a file whose last name was removed. */
    fd = open(named, O_RDWR | O_CREAT | O_EXCL, 0600);
    CHECK(fd >= 0 && unlink(named) == 0);
    CHECK(linkat(fd, "", AT_FDCWD, second, AT_EMPTY_PATH) == -1 && errno == ENOENT);
    CHECK(close(fd) == 0);

    /* Errors. */
    CHECK(open("/tmp", O_TMPFILE | O_RDONLY, 0600) == -1 && errno == EINVAL);
    CHECK(open("/tmp", O_TMPFILE | O_RDWR | O_CREAT, 0600) == -1 && errno == EINVAL);
    CHECK(open("/tmp/no-such-directory", O_TMPFILE | O_RDWR, 0600) == -1 && errno == ENOENT);
    fd = open(named, O_RDWR | O_CREAT, 0600);
    CHECK(fd >= 0 && close(fd) == 0);
    CHECK(open(named, O_TMPFILE | O_RDWR, 0600) == -1 && errno == ENOTDIR);
    CHECK(unlink(named) == 0);
    CHECK(open("/proc", O_TMPFILE | O_RDWR, 0600) == -1 && errno == EOPNOTSUPP);
    printf("tmpfile ok\n");
    return 0;
}
