/* /proc/PID files beyond stat: environ (the environment the program
   started with), auxv (its auxiliary vector), limits (getrlimit's values
   in Linux's table), io (read and write counts), oom_score_adj (read and
   written), personality, loginuid, cgroup, wchan, and fdinfo/N. */
#define _GNU_SOURCE
#include <dirent.h>
#include <elf.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/eventfd.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static size_t read_bytes(const char* path, char* buffer, size_t size) {
    int fd = open(path, O_RDONLY);
    CHECK(fd >= 0);
    size_t length = 0;
    ssize_t n;
    while (length < size && (n = read(fd, buffer + length, size - length)) > 0) length += (size_t)n;
    CHECK(n >= 0 && length < size);
    CHECK(close(fd) == 0);
    return length;
}

/* The value after "key" on its line of a "key value" file. */
static unsigned long long field(const char* text, const char* key) {
    const char* at = strstr(text, key);
    CHECK(at != NULL);
    return strtoull(at + strlen(key), NULL, 10);
}

static void check_environ_child(void) {
    char block[4096];
    size_t n = read_bytes("/proc/self/environ", block, sizeof block);
    static const char expected[] = "ALPHA=one\0BETA=two words\0EMPTY=\0";
    CHECK(n == sizeof expected - 1 && memcmp(block, expected, n) == 0);
    /* A change to the environment does not change the block the program started with. */
    CHECK(setenv("GAMMA", "three", 1) == 0);
    n = read_bytes("/proc/self/environ", block, sizeof block);
    CHECK(n == sizeof expected - 1 && memcmp(block, expected, n) == 0);
    struct stat st;
    CHECK(stat("/proc/self/environ", &st) == 0 && (st.st_mode & 0777) == 0400);
    printf("procfs_records ok\n");
    exit(0);
}

static void check_auxv(void) {
    unsigned long words[128];
    size_t n = read_bytes("/proc/self/auxv", (char*)words, sizeof words);
    CHECK(n % (2 * sizeof(unsigned long)) == 0 && n >= 4 * sizeof(unsigned long));
    size_t pairs = n / (2 * sizeof(unsigned long));
    CHECK(words[2 * (pairs - 1)] == AT_NULL && words[2 * (pairs - 1) + 1] == 0);
    int saw_pagesz = 0, saw_entry = 0;
    for (size_t i = 0; i + 1 < pairs; ++i) {
        unsigned long type = words[2 * i], value = words[2 * i + 1];
        CHECK(type != AT_NULL);
        if (type == AT_PAGESZ) saw_pagesz = value == 4096;
        if (type == AT_ENTRY) saw_entry = value == getauxval(AT_ENTRY) && value != 0;
        /* Every entry is what the C library was given. */
        if (type == AT_PHDR || type == AT_BASE || type == AT_RANDOM || type == AT_EXECFN ||
            type == AT_UID)
            if (value != getauxval(type)) { fprintf(stderr, "auxv type %lu: %lx, getauxval %lx\n", type, value, getauxval(type)); CHECK(0); }
    }
    CHECK(saw_pagesz && saw_entry);
}

static void check_limits(void) {
    struct rlimit original, limit;
    CHECK(getrlimit(RLIMIT_NOFILE, &original) == 0 && original.rlim_max > 200);
    limit.rlim_cur = 100;
    limit.rlim_max = original.rlim_max - 1;
    CHECK(setrlimit(RLIMIT_NOFILE, &limit) == 0);
    char expected[128];
    snprintf(expected, sizeof expected, "\nMax open files            100                  %-20lu files     \n",
             (unsigned long)limit.rlim_max);
    char text[4096];
    read_whole_file("/proc/self/limits", text, sizeof text);
    CHECK(strncmp(text, "Limit                     Soft Limit           Hard Limit           Units     \n", 79) == 0);
    CHECK(strstr(text, expected));
    /* Every line agrees with getrlimit. */
    static const char* names[] = {"Max cpu time", "Max file size", "Max data size", "Max stack size",
                                  "Max core file size", "Max resident set", "Max processes", "Max open files",
                                  "Max locked memory", "Max address space", "Max file locks", "Max pending signals",
                                  "Max msgqueue size", "Max nice priority", "Max realtime priority",
                                  "Max realtime timeout"};
    for (int resource = 0; resource < 16; ++resource) {
        CHECK(getrlimit(resource, &limit) == 0);
        char soft[32], hard[32], line[128];
        if (limit.rlim_cur == RLIM_INFINITY) snprintf(soft, sizeof soft, "unlimited");
        else snprintf(soft, sizeof soft, "%lu", (unsigned long)limit.rlim_cur);
        if (limit.rlim_max == RLIM_INFINITY) snprintf(hard, sizeof hard, "unlimited");
        else snprintf(hard, sizeof hard, "%lu", (unsigned long)limit.rlim_max);
        snprintf(line, sizeof line, "\n%-25s %-20s %-20s ", names[resource], soft, hard);
        CHECK(strstr(text, line) != NULL);
    }
    limit.rlim_cur = original.rlim_cur < original.rlim_max - 1 ? original.rlim_cur : original.rlim_max - 1;
    limit.rlim_max = original.rlim_max - 1;
    CHECK(setrlimit(RLIMIT_NOFILE, &limit) == 0);
}

/* SigQ: signals queued to the process, of RLIMIT_SIGPENDING. */
static void check_signal_queue(void) {
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGRTMIN);
    CHECK(sigprocmask(SIG_BLOCK, &set, &old) == 0);
    CHECK(raise(SIGUSR1) == 0 && raise(SIGUSR1) == 0 && raise(SIGRTMIN) == 0 && raise(SIGRTMIN) == 0);
    char text[4096];
    read_whole_file("/proc/self/status", text, sizeof text);
    struct rlimit limit;
    CHECK(getrlimit(RLIMIT_SIGPENDING, &limit) == 0);
    const char* line = strstr(text, "\nSigQ:\t");
    CHECK(line != NULL);
    char* slash;
    unsigned long long queued = strtoull(line + 7, &slash, 10);
    CHECK(*slash == '/' && strtoull(slash + 1, NULL, 10) == limit.rlim_cur);
    /* SIGUSR1 once, SIGRTMIN twice (others of this user may add to Linux's count). */
    CHECK(queued >= 3);
    int signal;
    for (int i = 0; i < 3; ++i) CHECK(sigwait(&set, &signal) == 0);
    CHECK(sigprocmask(SIG_SETMASK, &old, NULL) == 0);
}

static void check_io(void) {
    char text[1024];
    read_whole_file("/proc/self/io", text, sizeof text);
    unsigned long long rchar = field(text, "rchar: "), syscr = field(text, "syscr: ");
    unsigned long long wchar = field(text, "wchar: "), syscw = field(text, "syscw: ");
    CHECK(strstr(text, "\nread_bytes: ") && strstr(text, "\nwrite_bytes: ") && strstr(text, "\ncancelled_write_bytes: "));
    int fd = open("/dev/zero", O_RDONLY);
    CHECK(fd >= 0);
    char buffer[10000];
    CHECK(read(fd, buffer, sizeof buffer) == sizeof buffer);
    CHECK(close(fd) == 0);
    fd = open("/dev/null", O_WRONLY);
    CHECK(fd >= 0 && write(fd, buffer, 3000) == 3000 && close(fd) == 0);
    read_whole_file("/proc/self/io", text, sizeof text);
    /* The earlier read of io itself counts too. */
    CHECK(field(text, "rchar: ") >= rchar + 10000 && field(text, "syscr: ") >= syscr + 2);
    CHECK(field(text, "wchar: ") >= wchar + 3000 && field(text, "syscw: ") >= syscw + 1);
}

static void write_text(const char* path, const char* text, int expected_errno) {
    int fd = open(path, O_WRONLY | O_TRUNC);
    CHECK(fd >= 0);
    ssize_t n = write(fd, text, strlen(text));
    if (expected_errno) CHECK(n == -1 && errno == expected_errno);
    else CHECK(n == (ssize_t)strlen(text));
    CHECK(close(fd) == 0);
}

extern char** environ;

static void check_oom_score_adj(char* self) {
    char text[64];
    read_whole_file("/proc/self/oom_score_adj", text, sizeof text);
    CHECK(strcmp(text, "0\n") == 0);
    write_text("/proc/self/oom_score_adj", "500\n", 0);
    read_whole_file("/proc/self/oom_score_adj", text, sizeof text);
    CHECK(strcmp(text, "500\n") == 0);
    read_whole_file("/proc/self/oom_score", text, sizeof text);
    CHECK(atoi(text) >= 500 && atoi(text) <= 1000);
    write_text("/proc/self/oom_score_adj", "1001", EINVAL);
    write_text("/proc/self/oom_score_adj", "abc", EINVAL);
    /* Going below the lowest value a privileged writer set needs CAP_SYS_RESOURCE. */
    char status_text[4096];
    read_whole_file("/proc/self/status", status_text, sizeof status_text);
    int resource_capable = (strtoull(strstr(status_text, "CapEff:\t") + 8, NULL, 16) >> 24) & 1;
    write_text("/proc/self/oom_score_adj", "-1000", resource_capable ? 0 : EACCES);
    read_whole_file("/proc/self/oom_score_adj", text, sizeof text);
    CHECK(strcmp(text, resource_capable ? "-1000\n" : "500\n") == 0);
    read_whole_file("/proc/self/oom_score", text, sizeof text);
    if (resource_capable) CHECK(strcmp(text, "0\n") == 0);
    write_text("/proc/self/oom_score_adj", "0x20", 0);
    /* A child inherits it. */
    char* args[] = {self, "oom", NULL};
    pid_t child;
    CHECK(posix_spawn(&child, self, NULL, NULL, args, environ) == 0);
    int status;
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    write_text("/proc/self/oom_score_adj", resource_capable ? "0" : "32", 0);
}

static void check_small_files(void) {
    char text[4096];
    read_whole_file("/proc/self/personality", text, sizeof text);
    CHECK(strcmp(text, "00000000\n") == 0);
    CHECK(personality(ADDR_NO_RANDOMIZE) == 0);
    read_whole_file("/proc/self/personality", text, sizeof text);
    CHECK(strcmp(text, "00040000\n") == 0);
    CHECK(personality(0) == ADDR_NO_RANDOMIZE);
    read_whole_file("/proc/self/loginuid", text, sizeof text);
    CHECK(strcmp(text, "4294967295") == 0);
    read_whole_file("/proc/self/cgroup", text, sizeof text);
    CHECK(strncmp(text, "0::/", 4) == 0 || strstr(text, "\n0::/") != NULL);
    read_whole_file("/proc/self/wchan", text, sizeof text);
    CHECK(strcmp(text, "0") == 0);
}

static void fdinfo_of(int fd, char* text, size_t size) {
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
    read_whole_file(path, text, size);
}

static void check_fdinfo(void) {
    char text[1024];
    int fd = open("/etc/hostname", O_RDONLY);
    CHECK(fd >= 0);
    char buffer[8];
    CHECK(read(fd, buffer, 3) == 3);
    fdinfo_of(fd, text, sizeof text);
    CHECK(strncmp(text, "pos:\t3\nflags:\t0", 15) == 0);
    struct stat st;
    CHECK(fstat(fd, &st) == 0);
    CHECK(field(text, "\nino:\t") == st.st_ino);
    /* mnt_id names a line of mountinfo. */
    unsigned long long mount_id = field(text, "\nmnt_id:\t");
    char mountinfo[8192], line_start[32];
    read_whole_file("/proc/self/mountinfo", mountinfo, sizeof mountinfo);
    snprintf(line_start, sizeof line_start, "%llu ", mount_id);
    CHECK(strncmp(mountinfo, line_start, strlen(line_start)) == 0 ||
          (snprintf(line_start, sizeof line_start, "\n%llu ", mount_id), strstr(mountinfo, line_start) != NULL));
    CHECK(close(fd) == 0);

    /* Flags in octal: the access mode, O_APPEND, O_CLOEXEC and O_LARGEFILE. */
    fd = open("/tmp/procfs_records.txt", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    CHECK(fd >= 0 && write(fd, "hello", 5) == 5);
    fdinfo_of(fd, text, sizeof text);
    unsigned long flags = strtoul(strstr(text, "\nflags:\t") + 8, NULL, 8);
    CHECK((flags & O_ACCMODE) == O_WRONLY && (flags & O_APPEND) && (flags & O_CLOEXEC) && (flags & 0100000));
    CHECK(field(text, "pos:\t") == 5);
    CHECK(fcntl(fd, F_SETFD, 0) == 0);
    fdinfo_of(fd, text, sizeof text);
    flags = strtoul(strstr(text, "\nflags:\t") + 8, NULL, 8);
    CHECK(!(flags & O_CLOEXEC) && (flags & O_APPEND));
    CHECK(close(fd) == 0 && unlink("/tmp/procfs_records.txt") == 0);

    /* A pipe has no position and no O_LARGEFILE. */
    int ends[2];
    CHECK(pipe(ends) == 0);
    fdinfo_of(ends[1], text, sizeof text);
    CHECK(strncmp(text, "pos:\t0\nflags:\t01\n", 17) == 0);

    /* An eventfd shows its counter, in hex as Linux pads it. */
    int counter = eventfd(26, EFD_SEMAPHORE);
    CHECK(counter >= 0);
    fdinfo_of(counter, text, sizeof text);
    CHECK(strncmp(text, "pos:\t0\nflags:\t02\n", 17) == 0);
    CHECK(strstr(text, "\neventfd-count:               1a\neventfd-id: ") != NULL);
    CHECK(strstr(text, "\neventfd-semaphore: ") == NULL || strstr(text, "\neventfd-semaphore: 1\n") != NULL);
    CHECK(close(counter) == 0);

    /* The directory lists every open fd, as regular files. */
    DIR* dir = opendir("/proc/self/fdinfo");
    CHECK(dir != NULL);
    int saw[3] = {0};
    struct dirent* entry;
    while ((entry = readdir(dir)) != NULL) {
        if (entry->d_name[0] == '.') continue;
        CHECK(entry->d_type == DT_REG);
        int n = atoi(entry->d_name);
        if (n == ends[0]) saw[0] = 1;
        if (n == ends[1]) saw[1] = 1;
        if (n == dirfd(dir)) saw[2] = 1;
    }
    CHECK(saw[0] && saw[1] && saw[2]);
    CHECK(closedir(dir) == 0);
    CHECK(close(ends[0]) == 0 && close(ends[1]) == 0);
    snprintf(text, sizeof text, "/proc/self/fdinfo/%d", ends[0]);
    CHECK(open(text, O_RDONLY) == -1 && errno == ENOENT);
}

int main(int argc, char** argv) {
    if (argc > 1 && strcmp(argv[1], "environ") == 0) check_environ_child();
    if (argc > 1 && strcmp(argv[1], "oom") == 0) {
        char text[64];
        read_whole_file("/proc/self/oom_score_adj", text, sizeof text);
        return strcmp(text, "32\n") == 0 ? 0 : 1;
    }
    check_auxv();
    check_limits();
    check_signal_queue();
    check_io();
    check_oom_score_adj(argv[0]);
    check_small_files();
    check_fdinfo();
    /* environ: the block this program's next image starts with. */
    char* args[] = {argv[0], "environ", NULL};
    char* env[] = {"ALPHA=one", "BETA=two words", "EMPTY=", NULL};
    execve(argv[0], args, env);
    CHECK(0);
}
