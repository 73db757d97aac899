/* /proc/self/fd: one link per open fd, named by number, to the open file's
   path; opening a link opens that file. */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

int main(void) {
    int file = open("/etc/hostname", O_RDONLY);
    CHECK(file >= 3);

    DIR* dir = opendir("/proc/self/fd");
    CHECK(dir != NULL);
    int seen[64] = {0};
    struct dirent* entry;
    while ((entry = readdir(dir)) != NULL) {
        if (entry->d_name[0] == '.') continue;
        CHECK(entry->d_type == DT_LNK);
        int fd = atoi(entry->d_name);
        CHECK(fd >= 0 && fd < 64);
        seen[fd] = 1;
    }
    CHECK(seen[0] && seen[1] && seen[2] && seen[file]);
    /* The directory's own fd is listed too, as on Linux. */
    CHECK(seen[dirfd(dir)]);
    CHECK(closedir(dir) == 0);

    char path[64], target[PATH_MAX];
    snprintf(path, sizeof path, "/proc/self/fd/%d", file);
    ssize_t n = readlink(path, target, sizeof target - 1);
    CHECK(n > 0);
    target[n] = '\0';
    CHECK(strcmp(target, "/etc/hostname") == 0);
    struct stat st;
    CHECK(lstat(path, &st) == 0 && S_ISLNK(st.st_mode) && (st.st_mode & 0777) == 0500);

    /* Opening the link opens the file it names. */
    int again = open(path, O_RDONLY);
    CHECK(again >= 0);
    char text[64] = {0};
    CHECK(read(again, text, sizeof text - 1) > 0 && strcmp(text, "cella\n") == 0);
    CHECK(close(again) == 0);

    /* stdio names whatever the LibOS gave it. */
    n = readlink("/proc/self/fd/1", target, sizeof target - 1);
    CHECK(n > 0);

    CHECK(close(file) == 0);
    CHECK(readlink(path, target, sizeof target) == -1 && errno == ENOENT);
    CHECK(open("/proc/self/fd/999", O_RDONLY) == -1 && errno == ENOENT);
    printf("procfs_fd ok\n");
    return 0;
}
