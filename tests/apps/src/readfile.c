/* Reads a file that `cella new` put into the image, three ways. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

int main(void) {
    int fd = open("/etc/hostname", O_RDONLY);
    CHECK(fd >= 0);
    char buffer[64] = {0};
    ssize_t n = read(fd, buffer, sizeof buffer - 1);
    CHECK(n == 6 && strcmp(buffer, "cella\n") == 0);
    CHECK(read(fd, buffer, sizeof buffer) == 0); /* end of file */
    char part[4] = {0};
    CHECK(pread(fd, part, 3, 2) == 3 && memcmp(part, "lla", 3) == 0);
    CHECK(lseek(fd, 1, SEEK_SET) == 1);
    CHECK(read(fd, part, 2) == 2 && memcmp(part, "el", 2) == 0);
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && st.st_size == 6 && S_ISREG(st.st_mode));
    CHECK(close(fd) == 0);
    CHECK(close(fd) == -1 && errno == EBADF);

    FILE* f = fopen("/etc/passwd", "r");
    CHECK(f != NULL);
    char line[256];
    CHECK(fgets(line, sizeof line, f) != NULL && strncmp(line, "root:", 5) == 0);
    fclose(f);

    CHECK(open("/etc/no-such-file", O_RDONLY) == -1 && errno == ENOENT);
    CHECK(open("/etc/hostname", O_WRONLY) == -1 && errno == EROFS);
    CHECK(open("/etc/hostname/x", O_RDONLY) == -1 && errno == ENOTDIR);
    CHECK(chdir("/etc") == 0);
    char cwd[64];
    CHECK(getcwd(cwd, sizeof cwd) && strcmp(cwd, "/etc") == 0);
    CHECK(access("hostname", R_OK) == 0);
    printf("readfile ok\n");
    return 0;
}
