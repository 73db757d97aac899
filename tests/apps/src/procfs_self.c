/* /proc/self: the links, cmdline, comm, stat and status of the running
   process, and /proc/thread-self. Run with arguments "alpha" "two words". */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

/* The whole file, NUL-terminated; returns its length. */
static size_t read_text(const char* path, char* buffer, size_t size) {
    int fd = open(path, O_RDONLY);
    CHECK(fd >= 0);
    size_t length = 0;
    ssize_t n;
    /* Small reads, so that reading continues where the last one stopped. */
    while (length + 1 < size && (n = read(fd, buffer + length, size - 1 - length < 7 ? size - 1 - length : 7)) > 0)
        length += (size_t)n;
    CHECK(n >= 0);
    buffer[length] = '\0';
    CHECK(close(fd) == 0);
    return length;
}

static long status_field(const char* status, const char* name) {
    const char* line = strstr(status, name);
    CHECK(line != NULL);
    long value = -1;
    CHECK(sscanf(line + strlen(name), " %ld", &value) == 1);
    return value;
}

int main(int argc, char** argv) {
    CHECK(argc == 3 && strcmp(argv[1], "alpha") == 0 && strcmp(argv[2], "two words") == 0);
    char text[8192];
    char link[PATH_MAX];

    /* The links. */
    ssize_t n = readlink("/proc/self/exe", link, sizeof link - 1);
    CHECK(n > 0);
    link[n] = '\0';
    CHECK(strcmp(link, argv[0]) == 0);
    n = readlink("/proc/self", link, sizeof link - 1);
    CHECK(n > 0);
    link[n] = '\0';
    char expected[64];
    snprintf(expected, sizeof expected, "%d", (int)getpid());
    CHECK(strcmp(link, expected) == 0);
    n = readlink("/proc/thread-self", link, sizeof link - 1);
    CHECK(n > 0);
    link[n] = '\0';
    snprintf(expected, sizeof expected, "%d/task/%d", (int)getpid(), (int)getpid());
    CHECK(strcmp(link, expected) == 0);
    CHECK(chdir("/etc") == 0);
    n = readlink("/proc/self/cwd", link, sizeof link - 1);
    CHECK(n == 4 && memcmp(link, "/etc", 4) == 0);
    char by_pid[64];
    snprintf(by_pid, sizeof by_pid, "/proc/%d/exe", (int)getpid());
    struct stat through_link, program;
    CHECK(stat(by_pid, &through_link) == 0 && stat(argv[0], &program) == 0);
    CHECK(through_link.st_ino == program.st_ino && through_link.st_dev == program.st_dev);
    CHECK(lstat(by_pid, &through_link) == 0 && S_ISLNK(through_link.st_mode));

    /* cmdline: the arguments, each NUL-terminated. */
    size_t length = read_text("/proc/self/cmdline", text, sizeof text);
    size_t want = strlen(argv[0]) + 1 + strlen("alpha") + 1 + strlen("two words") + 1;
    CHECK(length == want);
    CHECK(strcmp(text, argv[0]) == 0);
    CHECK(strcmp(text + strlen(argv[0]) + 1, "alpha") == 0);
    CHECK(strcmp(text + strlen(argv[0]) + 7, "two words") == 0);

    /* comm: the program's base name, cut at 15 bytes. */
    read_text("/proc/self/comm", text, sizeof text);
    CHECK(strcmp(text, "procfs_self\n") == 0);

    /* stat: "pid (comm) state ppid ...", 52 fields. */
    read_text("/proc/self/stat", text, sizeof text);
    int pid = 0;
    char state = 0;
    CHECK(sscanf(text, "%d (procfs_self) %c", &pid, &state) == 2);
    CHECK(pid == getpid() && state == 'R');
    const char* after_comm = strrchr(text, ')');
    CHECK(after_comm != NULL);
    int fields = 2;
    for (const char* p = after_comm + 1; *p; ++p)
        if (*p == ' ') ++fields;
    CHECK(fields == 52);
    CHECK(text[strlen(text) - 1] == '\n');
    int ppid = -1;
    long threads = -1;
    CHECK(sscanf(after_comm + 2, "%*c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %ld", &ppid,
                 &threads) == 2);
    CHECK(ppid == getppid() && threads == 1);

    /* status */
    read_text("/proc/self/status", text, sizeof text);
    CHECK(strncmp(text, "Name:\tprocfs_self\n", 18) == 0);
    CHECK(status_field(text, "\nPid:") == getpid());
    CHECK(status_field(text, "\nTgid:") == getpid());
    CHECK(status_field(text, "\nPPid:") == getppid());
    CHECK(status_field(text, "\nThreads:") == 1);
    CHECK(status_field(text, "\nVmSize:") > 0);
    CHECK(strstr(text, "\nState:\tR (running)\n") != NULL);
    CHECK(strstr(text, "\nUid:\t0\t0\t0\t0\n") != NULL);
    CHECK(strstr(text, "\nCpus_allowed_list:\t") != NULL);

    /* statm: seven numbers of pages. */
    read_text("/proc/self/statm", text, sizeof text);
    long size = 0, resident = 0, shared = 0, code = 0, lib = 0, data = 0, dirty = 0;
    CHECK(sscanf(text, "%ld %ld %ld %ld %ld %ld %ld", &size, &resident, &shared, &code, &lib, &data, &dirty) == 7);
    CHECK(size > 0 && code > 0);

    /* The same files under the task directory of the main thread. */
    snprintf(by_pid, sizeof by_pid, "/proc/self/task/%d/comm", (int)getpid());
    read_text(by_pid, text, sizeof text);
    CHECK(strcmp(text, "procfs_self\n") == 0);
    snprintf(by_pid, sizeof by_pid, "/proc/thread-self/stat");
    read_text(by_pid, text, sizeof text);
    CHECK(sscanf(text, "%d", &pid) == 1 && pid == getpid());

    /* Files report size 0 and mode 0444, and cannot be written. */
    struct stat st;
    CHECK(stat("/proc/self/status", &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0 && (st.st_mode & 0777) == 0444);
    CHECK(open("/proc/self/status", O_WRONLY) == -1 && errno == EACCES);
    CHECK(open("/proc/self/comm", O_RDWR) == -1 && errno == EACCES);
    CHECK(open("/proc/self/newfile", O_WRONLY | O_CREAT, 0644) == -1 && errno == EACCES);
    CHECK(mkdir("/proc/self/dir", 0755) == -1 && errno == EPERM);
    CHECK(unlink("/proc/self/status") == -1 && errno == EPERM);
    CHECK(open("/proc/self/nothing", O_RDONLY) == -1 && errno == ENOENT);

    /* Reading from the start again shows current values. */
    int fd = open("/proc/self/status", O_RDONLY);
    CHECK(fd >= 0);
    char first[64], again[64];
    CHECK(read(fd, first, sizeof first) == (ssize_t)sizeof first);
    CHECK(pread(fd, again, sizeof again, 0) == (ssize_t)sizeof again);
    CHECK(memcmp(first, again, sizeof first) == 0);
    CHECK(lseek(fd, 0, SEEK_SET) == 0 && read(fd, again, sizeof again) == (ssize_t)sizeof again);
    CHECK(memcmp(first, again, sizeof first) == 0);
    CHECK(lseek(fd, 0, SEEK_END) == -1 && errno == EINVAL);
    CHECK(close(fd) == 0);

    printf("procfs_self ok\n");
    return 0;
}
