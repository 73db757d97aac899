/* Extended attributes in /tmp as tmpfs keeps them: set/get/list/remove by
   path, by link and by fd; XATTR_CREATE/XATTR_REPLACE; size queries and
   ERANGE; E2BIG and ERANGE for too large values and names; user.* only on
   regular files and folders; trusted.* and security.* for root only (a
   child drops root); ENOTSUP where a file system keeps none (/proc). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "check.h"
#include "run_self.h"

static char dir[64], file[96], link_path[96], fifo[96];

/* Whether `list` (size bytes of NUL-terminated names) has `name`. */
static int listed(const char* list, ssize_t size, const char* name) {
    for (ssize_t at = 0; at < size; at += strlen(list + at) + 1)
        if (strcmp(list + at, name) == 0) return 1;
    return 0;
}

static int child(void) {
    CHECK(setgid(1000) == 0 && setuid(1000) == 0);
    char value[64];
    /* trusted.*: invisible and unchangeable; security.*: readable, not changeable. */
    CHECK(getxattr(file, "trusted.t", value, sizeof value) == -1 && errno == ENODATA);
    CHECK(setxattr(file, "trusted.t", "x", 1, 0) == -1 && errno == EPERM);
    CHECK(getxattr(file, "security.s", value, sizeof value) == 3 && memcmp(value, "sec", 3) == 0);
    CHECK(setxattr(file, "security.s", "x", 1, 0) == -1 && errno == EPERM);
    CHECK(removexattr(file, "security.s") == -1 && errno == EPERM);
    char list[256];
    ssize_t n = listxattr(file, list, sizeof list);
    CHECK(n > 0 && listed(list, n, "user.kept") && !listed(list, n, "trusted.t"));
    /* user.*: the file's permission bits (0644, root's): read yes, write no. */
    CHECK(getxattr(file, "user.kept", value, sizeof value) == 4);
    CHECK(setxattr(file, "user.kept", "x", 1, 0) == -1 && errno == EACCES);
    return 0;
}

int main(int argc, char** argv) {
    snprintf(dir, sizeof dir, "/tmp/xattr-%d", test_pid(argc, argv));
    snprintf(file, sizeof file, "%s/file", dir);
    snprintf(link_path, sizeof link_path, "%s/link", dir);
    snprintf(fifo, sizeof fifo, "%s/fifo", dir);
    if (argc > 1 && strcmp(argv[1], "child") == 0) return child();
    CHECK(geteuid() == 0); /* natively too: run as root */
    CHECK(mkdir(dir, 0755) == 0);
    int fd = open(file, O_CREAT | O_RDWR, 0644);
    CHECK(fd >= 0);
    CHECK(symlink("file", link_path) == 0);
    CHECK(mkfifo(fifo, 0644) == 0);

    char value[128];
    CHECK(getxattr(file, "user.a", value, sizeof value) == -1 && errno == ENODATA);
    CHECK(setxattr(file, "user.a", "hello", 5, 0) == 0);
    CHECK(getxattr(file, "user.a", value, sizeof value) == 5 && memcmp(value, "hello", 5) == 0);
    CHECK(getxattr(file, "user.a", NULL, 0) == 5);                            /* size query */
    CHECK(getxattr(file, "user.a", value, 2) == -1 && errno == ERANGE);
    CHECK(setxattr(file, "user.a", "x", 1, XATTR_CREATE) == -1 && errno == EEXIST);
    CHECK(setxattr(file, "user.b", "x", 1, XATTR_REPLACE) == -1 && errno == ENODATA);
    CHECK(setxattr(file, "user.a", "bye", 3, XATTR_REPLACE) == 0);
    CHECK(fgetxattr(fd, "user.a", value, sizeof value) == 3 && memcmp(value, "bye", 3) == 0);
    CHECK(setxattr(file, "user.a", "x", 1, XATTR_CREATE | XATTR_REPLACE | 4) == -1 && errno == EINVAL);
    CHECK(fsetxattr(fd, "user.empty", "", 0, 0) == 0);
    CHECK(getxattr(file, "user.empty", value, sizeof value) == 0);
    /* Through the link: getxattr follows it, lgetxattr does not (and a link takes no user.*). */
    CHECK(getxattr(link_path, "user.a", value, sizeof value) == 3);
    CHECK(lgetxattr(link_path, "user.a", value, sizeof value) == -1 && errno == ENODATA);
    CHECK(lsetxattr(link_path, "user.a", "x", 1, 0) == -1 && errno == EPERM);
    CHECK(setxattr(fifo, "user.a", "x", 1, 0) == -1 && errno == EPERM);
    CHECK(getxattr(fifo, "user.a", value, sizeof value) == -1 && errno == ENODATA);
    CHECK(lsetxattr(link_path, "trusted.on-link", "t", 1, 0) == 0);
    CHECK(lgetxattr(link_path, "trusted.on-link", value, sizeof value) == 1);

    /* Names: empty or longer than 255 is ERANGE, a bare prefix EINVAL, an unknown one ENOTSUP. */
    char long_name[300];
    memset(long_name, 'n', sizeof long_name);
    memcpy(long_name, "user.", 5);
    long_name[256] = '\0';
    CHECK(setxattr(file, long_name, "x", 1, 0) == -1 && errno == ERANGE);
    long_name[255] = '\0';
    CHECK(setxattr(file, long_name, "x", 1, 0) == 0 && removexattr(file, long_name) == 0);
    CHECK(setxattr(file, "", "x", 1, 0) == -1 && errno == ERANGE);
    CHECK(setxattr(file, "user.", "x", 1, 0) == -1 && errno == EINVAL);
    CHECK(setxattr(file, "other.x", "x", 1, 0) == -1 && errno == ENOTSUP);
    CHECK(getxattr(file, "other.x", value, sizeof value) == -1 && errno == ENOTSUP);
    /* Values: more than 64 KiB is E2BIG. */
    static char big[65537];
    CHECK(setxattr(file, "user.big", big, sizeof big, 0) == -1 && errno == E2BIG);

    /* trusted.* and security.* for root. */
    CHECK(setxattr(file, "trusted.t", "tt", 2, 0) == 0);
    CHECK(setxattr(file, "security.s", "sec", 3, 0) == 0);
    CHECK(setxattr(file, "user.kept", "kept", 4, 0) == 0);

    /* Lists: NUL-terminated names, a size query, ERANGE when too small. */
    char list[512];
    ssize_t size = listxattr(file, NULL, 0);
    CHECK(size > 0 && listxattr(file, list, sizeof list) == size);
    CHECK(listed(list, size, "user.a") && listed(list, size, "user.empty") && listed(list, size, "trusted.t"));
    CHECK(listed(list, size, "security.s") && listed(list, size, "user.kept"));
    CHECK(flistxattr(fd, list, sizeof list) == size);
    CHECK(listxattr(file, list, (size_t)size - 1) == -1 && errno == ERANGE);
    ssize_t link_size = llistxattr(link_path, list, sizeof list);
    CHECK(link_size > 0 && listed(list, link_size, "trusted.on-link") && !listed(list, link_size, "user.a"));

    /* Remove. */
    CHECK(removexattr(file, "user.a") == 0);
    CHECK(removexattr(file, "user.a") == -1 && errno == ENODATA);
    CHECK(fremovexattr(fd, "user.empty") == 0);
    CHECK(lremovexattr(link_path, "trusted.on-link") == 0);
    size = listxattr(file, list, sizeof list);
    CHECK(!listed(list, size, "user.a") && !listed(list, size, "user.empty"));

    /* Folders take user.* too. */
    CHECK(setxattr(dir, "user.d", "d", 1, 0) == 0 && getxattr(dir, "user.d", value, sizeof value) == 1);
    CHECK(removexattr(dir, "user.d") == 0);

    /* procfs keeps none: ENOTSUP, and an empty list. */
    CHECK(getxattr("/proc/self/status", "user.x", value, sizeof value) == -1 && errno == ENOTSUP);
    CHECK(setxattr("/proc/self/status", "user.x", "x", 1, 0) == -1 && errno == ENOTSUP);
    CHECK(listxattr("/proc/self/status", list, sizeof list) == 0);
    CHECK(getxattr("/tmp/no/such", "user.x", value, sizeof value) == -1 && errno == ENOENT);

    run_self(argv[0], "child");

    close(fd);
    CHECK(unlink(fifo) == 0 && unlink(link_path) == 0 && unlink(file) == 0 && rmdir(dir) == 0);
    printf("fs_xattr ok\n");
    return 0;
}
