/* /proc/sys values that programs read, each checked against what the
   system does with it; and /dev/fd, /dev/stdin as links into /proc. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static unsigned long long number(const char* path) {
    char text[128];
    read_whole_file(path, text, sizeof text);
    char* end;
    unsigned long long value = strtoull(text, &end, 10);
    CHECK(end != text && strcmp(end, "\n") == 0);
    return value;
}

static int capable(int capability) {
    char text[4096];
    read_whole_file("/proc/self/status", text, sizeof text);
    return (strtoull(strstr(text, "CapEff:\t") + 8, NULL, 16) >> capability) & 1;
}

static void check_uuid(const char* text) {
    CHECK(strlen(text) == 37 && text[36] == '\n');
    for (int i = 0; i < 36; ++i) {
        if (i == 8 || i == 13 || i == 18 || i == 23) CHECK(text[i] == '-');
        else CHECK(strchr("0123456789abcdef", text[i]) != NULL);
    }
    CHECK(text[14] == '4' && strchr("89ab", text[19]) != NULL);
}

static void check_dev_fd(void) {
    char target[64];
    ssize_t n = readlink("/dev/fd", target, sizeof target - 1);
    CHECK(n > 0);
    target[n] = '\0';
    CHECK(strcmp(target, "/proc/self/fd") == 0);
    n = readlink("/dev/stdin", target, sizeof target - 1);
    CHECK(n > 0);
    target[n] = '\0';
    CHECK(strcmp(target, "/proc/self/fd/0") == 0);
    struct stat st;
    CHECK(lstat("/dev/stderr", &st) == 0 && S_ISLNK(st.st_mode));
    /* /dev/fd/N of a pipe reaches the pipe (what a shell's <(...) needs). */
    int ends[2];
    CHECK(pipe(ends) == 0);
    CHECK(write(ends[1], "data", 4) == 4);
    char path[32];
    snprintf(path, sizeof path, "/dev/fd/%d", ends[0]);
    int again = open(path, O_RDONLY);
    CHECK(again >= 0);
    char text[8] = {0};
    CHECK(read(again, text, sizeof text) == 4 && memcmp(text, "data", 4) == 0);
    CHECK(fstat(again, &st) == 0 && S_ISFIFO(st.st_mode));
    n = readlink(path, target, sizeof target - 1);
    CHECK(n > 0);
    target[n] = '\0';
    CHECK(strncmp(target, "pipe:[", 6) == 0);
    CHECK(close(again) == 0 && close(ends[0]) == 0 && close(ends[1]) == 0);
    /* A socket cannot be opened through its link (ENXIO), but names itself. */
    int pair[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0);
    snprintf(path, sizeof path, "/dev/fd/%d", pair[0]);
    CHECK(open(path, O_RDWR) == -1 && errno == ENXIO);
    n = readlink(path, target, sizeof target - 1);
    CHECK(n > 0);
    target[n] = '\0';
    CHECK(strncmp(target, "socket:[", 8) == 0);
    CHECK(close(pair[0]) == 0 && close(pair[1]) == 0);
    /* And a file, by its own path. */
    int file = open("/etc/hostname", O_RDONLY);
    CHECK(file >= 0);
    snprintf(path, sizeof path, "/dev/fd/%d", file);
    again = open(path, O_RDONLY);
    CHECK(again >= 0 && read(again, text, 1) == 1);
    CHECK(close(again) == 0 && close(file) == 0);
}

extern char** environ;

static pid_t spawn_role(char* self, char* role) {
    char* args[] = {self, role, NULL};
    pid_t pid;
    CHECK(posix_spawn(&pid, self, NULL, NULL, args, environ) == 0);
    return pid;
}

int main(int argc, char** argv) {
    if (argc > 1 && strcmp(argv[1], "pause") == 0) {
        pause();
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "low-map") == 0) {
        unsigned long long min_addr = number("/proc/sys/vm/mmap_min_addr");
        if (setuid(65534) != 0) return 2;
        void* low = mmap((void*)(uintptr_t)(min_addr - 4096), 4096, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
        return low == MAP_FAILED && errno == EPERM ? 0 : 1;
    }
    check_dev_fd();

    struct utsname name;
    CHECK(uname(&name) == 0);
    char text[256];
    read_whole_file("/proc/sys/kernel/osrelease", text, sizeof text);
    CHECK(strncmp(text, name.release, strlen(name.release)) == 0 && text[strlen(name.release)] == '\n');

    /* setgroups takes at most ngroups_max groups. */
    unsigned long long ngroups_max = number("/proc/sys/kernel/ngroups_max");
    CHECK(ngroups_max >= 32);
    gid_t* groups = calloc(ngroups_max + 1, sizeof(gid_t));
    CHECK(groups != NULL);
    CHECK(setgroups(ngroups_max + 1, groups) == -1 && errno == EINVAL);
    free(groups);
    /* status lists the groups set, then a space (even after none). */
    gid_t some[3] = {5, 7, 100};
    CHECK(setgroups(3, some) == 0);
    char status_text[4096];
    read_whole_file("/proc/self/status", status_text, sizeof status_text);
    CHECK(strstr(status_text, "\nGroups:\t5 7 100 \n") != NULL);
    CHECK(setgroups(0, NULL) == 0);
    read_whole_file("/proc/self/status", status_text, sizeof status_text);
    CHECK(strstr(status_text, "\nGroups:\t \n") != NULL);

    /* RLIMIT_NOFILE cannot go above nr_open. */
    unsigned long long nr_open = number("/proc/sys/fs/nr_open");
    struct rlimit limit;
    CHECK(getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_max <= nr_open);
    struct rlimit too_many = {nr_open + 1, nr_open + 1};
    CHECK(setrlimit(RLIMIT_NOFILE, &too_many) == -1 && errno == EPERM);

    /* A pipe can grow to pipe-max-size; beyond it only with CAP_SYS_RESOURCE. */
    unsigned long long pipe_max = number("/proc/sys/fs/pipe-max-size");
    int ends[2];
    CHECK(pipe(ends) == 0);
    CHECK(fcntl(ends[0], F_SETPIPE_SZ, (int)pipe_max) == (int)pipe_max);
    CHECK(fcntl(ends[0], F_GETPIPE_SZ) == (int)pipe_max);
    if (!capable(24)) CHECK(fcntl(ends[0], F_SETPIPE_SZ, (int)pipe_max * 2) == -1 && errno == EPERM);
    CHECK(close(ends[0]) == 0 && close(ends[1]) == 0);

    /* inotify instances stop at max_user_instances (fewer if others hold some). */
    unsigned long long instances = number("/proc/sys/fs/inotify/max_user_instances");
    CHECK(instances >= 1 && instances < 100000);
    CHECK(number("/proc/sys/fs/inotify/max_user_watches") >= 8192);
    CHECK(number("/proc/sys/fs/inotify/max_queued_events") >= 16384);
    int made[4096], count = 0;
    CHECK(instances < 4096);
    for (;;) {
        int fd = inotify_init1(IN_CLOEXEC);
        if (fd < 0) {
            CHECK(errno == EMFILE);
            break;
        }
        made[count++] = fd;
        CHECK((unsigned long long)count <= instances);
    }
    CHECK(count >= 1);
    while (count) CHECK(close(made[--count]) == 0);
    int fd = inotify_init1(IN_CLOEXEC);
    CHECK(fd >= 0);
    /* Watches stop at max_user_watches (where it is small enough to reach). */
    unsigned long long watches = number("/proc/sys/fs/inotify/max_user_watches");
    if (watches <= 16384) {
        CHECK(mkdir("/tmp/watched", 0700) == 0);
        char path[64];
        unsigned long long added = 0;
        for (;; ++added) {
            snprintf(path, sizeof path, "/tmp/watched/%llu", added);
            int file = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
            CHECK(file >= 0 && close(file) == 0);
            if (inotify_add_watch(fd, path, IN_MODIFY) < 0) {
                CHECK(errno == ENOSPC);
                break;
            }
            CHECK(added < watches);
        }
        CHECK(added >= 1 && added <= watches);
        for (unsigned long long i = 0; i <= added; ++i) {
            snprintf(path, sizeof path, "/tmp/watched/%llu", i);
            CHECK(unlink(path) == 0);
        }
        CHECK(rmdir("/tmp/watched") == 0);
    }
    CHECK(close(fd) == 0);

    /* boot_id stays the same; uuid is new on every read. */
    char first[64], second[64];
    read_whole_file("/proc/sys/kernel/random/boot_id", first, sizeof first);
    read_whole_file("/proc/sys/kernel/random/boot_id", second, sizeof second);
    check_uuid(first);
    CHECK(strcmp(first, second) == 0);
    read_whole_file("/proc/sys/kernel/random/uuid", first, sizeof first);
    read_whole_file("/proc/sys/kernel/random/uuid", second, sizeof second);
    check_uuid(first);
    check_uuid(second);
    CHECK(strcmp(first, second) != 0);
    CHECK(number("/proc/sys/kernel/random/entropy_avail") == 256);

    /* mmap_min_addr: without CAP_SYS_RAWIO (a child that gave up root) no
       fixed mapping goes below it. */
    unsigned long long min_addr = number("/proc/sys/vm/mmap_min_addr");
    CHECK(min_addr >= 4096 && min_addr % 4096 == 0);
    pid_t child = spawn_role(argv[0], "low-map");
    int status;
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* Yama's ptrace_scope 3 (where there is Yama): no one attaches. */
    if (access("/proc/sys/kernel/yama/ptrace_scope", F_OK) == 0 && number("/proc/sys/kernel/yama/ptrace_scope") == 3) {
        child = spawn_role(argv[0], "pause");
        CHECK(ptrace(PTRACE_ATTACH, child, NULL, NULL) == -1 && errno == EPERM);
        CHECK(kill(child, SIGKILL) == 0 && waitpid(child, &status, 0) == child);
    }

    /* The rest are numbers or text programs parse. */
    CHECK(number("/proc/sys/fs/file-max") > 0);
    CHECK(number("/proc/sys/net/core/somaxconn") >= 128);
    read_whole_file("/proc/sys/kernel/core_pattern", text, sizeof text);
    CHECK(strlen(text) > 1 && text[strlen(text) - 1] == '\n');
    read_whole_file("/proc/sys/kernel/printk", text, sizeof text);
    int levels[4];
    CHECK(sscanf(text, "%d\t%d\t%d\t%d\n", &levels[0], &levels[1], &levels[2], &levels[3]) == 4);

    printf("procfs_sysctl ok\n");
    return 0;
}
