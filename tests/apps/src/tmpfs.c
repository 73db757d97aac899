/* /tmp is a ramfs: files and folders can be made, changed and removed. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

static void write_file(const char* path, const char* text) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    CHECK(close(fd) == 0);
}

static void expect_file(const char* path, const char* text) {
    char buffer[256] = {0};
    int fd = open(path, O_RDONLY);
    CHECK(fd >= 0);
    ssize_t n = read(fd, buffer, sizeof buffer - 1);
    CHECK(n == (ssize_t)strlen(text) && memcmp(buffer, text, n) == 0);
    close(fd);
}

int main(void) {
    struct stat st;
    CHECK(stat("/tmp", &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 01777) == 01777);
    CHECK(umask(022) == 022);

    write_file("/tmp/a.txt", "hello");
    expect_file("/tmp/a.txt", "hello");
    CHECK(stat("/tmp/a.txt", &st) == 0 && st.st_size == 5 && (st.st_mode & 0777) == 0644);
    CHECK(open("/tmp/a.txt", O_WRONLY | O_CREAT | O_EXCL, 0600) == -1 && errno == EEXIST);

    int fd = open("/tmp/a.txt", O_WRONLY | O_APPEND);
    CHECK(fd >= 0 && write(fd, " world", 6) == 6 && close(fd) == 0);
    expect_file("/tmp/a.txt", "hello world");
    CHECK(truncate("/tmp/a.txt", 4) == 0);
    expect_file("/tmp/a.txt", "hell");

    /* A hole reads back as zeros. */
    fd = open("/tmp/holes", O_RDWR | O_CREAT, 0600);
    CHECK(fd >= 0 && pwrite(fd, "x", 1, 8192) == 1);
    char zero[16] = {1};
    CHECK(pread(fd, zero, sizeof zero, 100) == sizeof zero && zero[0] == 0 && zero[15] == 0);
    CHECK(fstat(fd, &st) == 0 && st.st_size == 8193);
    CHECK(ftruncate(fd, 0) == 0 && fstat(fd, &st) == 0 && st.st_size == 0);
    close(fd);

    CHECK(mkdir("/tmp/dir", 0755) == 0);
    CHECK(mkdir("/tmp/dir", 0755) == -1 && errno == EEXIST);
    write_file("/tmp/dir/inner", "inside");
    CHECK(rmdir("/tmp/dir") == -1 && errno == ENOTEMPTY);
    CHECK(rename("/tmp/dir/inner", "/tmp/moved") == 0);
    expect_file("/tmp/moved", "inside");
    CHECK(access("/tmp/dir/inner", F_OK) == -1 && errno == ENOENT);
    CHECK(rename("/tmp/dir", "/tmp/dir/sub") == -1 && errno == EINVAL);
    CHECK(rmdir("/tmp/dir") == 0);
    CHECK(unlink("/tmp/moved") == 0);
    CHECK(unlink("/tmp/moved") == -1 && errno == ENOENT);

    CHECK(symlink("a.txt", "/tmp/link") == 0);
    char target[64] = {0};
    CHECK(readlink("/tmp/link", target, sizeof target) == 5 && strcmp(target, "a.txt") == 0);
    expect_file("/tmp/link", "hell");
    CHECK(link("/tmp/a.txt", "/tmp/hard") == 0);
    CHECK(stat("/tmp/a.txt", &st) == 0 && st.st_nlink == 2);
    CHECK(unlink("/tmp/a.txt") == 0);
    expect_file("/tmp/hard", "hell");
    CHECK(open("/tmp/link", O_RDONLY) == -1 && errno == ENOENT); /* dangling now */

    CHECK(chdir("/tmp") == 0);
    write_file("relative", "r");
    expect_file("/tmp/relative", "r");
    CHECK(chmod("relative", 0400) == 0 && stat("relative", &st) == 0 && (st.st_mode & 0777) == 0400);

    int names = 0;
    DIR* dir = opendir("/tmp");
    CHECK(dir != NULL);
    for (struct dirent* e; (e = readdir(dir)) != NULL;) names++;
    closedir(dir);
    CHECK(names == 2 + 4); /* . .. holes link hard relative */

    /* The image beneath stays read-only. */
    CHECK(mkdir("/etc/new", 0755) == -1 && errno == EROFS);
    CHECK(unlink("/etc/hostname") == -1 && errno == EROFS);
    CHECK(open("/etc/new-file", O_WRONLY | O_CREAT, 0644) == -1 && errno == EROFS);
    CHECK(rename("/tmp/hard", "/etc/hard") == -1 && errno == EXDEV);
    printf("tmpfs ok\n");
    return 0;
}
