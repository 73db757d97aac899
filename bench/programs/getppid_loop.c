/* Times N syscalls of one kind from inside the process and prints the
   mean cost in nanoseconds, so process start does not count:
     getppid  glibc's getppid() (its site: mov $110,%eax; syscall)
     read     a 1-byte read() from /dev/zero (glibc's read: xor %eax,%eax; syscall)
     pread    a 1-byte pread() from /dev/zero (mov $17,%eax; syscall)
     clock    clock_gettime(CLOCK_MONOTONIC) through the vDSO: no syscall, the control */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char** argv) {
    long n = argc > 1 ? atol(argv[1]) : 100000;
    const char* kind = argc > 2 ? argv[2] : "getppid";
    int fd = open("/dev/zero", O_RDONLY);
    if (fd < 0) return 1;
    char byte;
    struct timespec start, end, scratch;
    clock_gettime(CLOCK_MONOTONIC, &start);
    if (strcmp(kind, "getppid") == 0) {
        for (long i = 0; i < n; ++i) getppid();
    } else if (strcmp(kind, "read") == 0) {
        for (long i = 0; i < n; ++i)
            if (read(fd, &byte, 1) != 1) return 1;
    } else if (strcmp(kind, "pread") == 0) {
        for (long i = 0; i < n; ++i)
            if (pread(fd, &byte, 1, 0) != 1) return 1;
    } else if (strcmp(kind, "clock") == 0) {
        for (long i = 0; i < n; ++i) clock_gettime(CLOCK_MONOTONIC, &scratch);
    } else {
        return 2;
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    double ns = (end.tv_sec - start.tv_sec) * 1e9 + (end.tv_nsec - start.tv_nsec);
    printf("%.1f\n", ns / n);
    return 0;
}
