/* dnotify (fcntl F_NOTIFY): an open folder's owner gets a signal when a
   name in it is made or removed or a file in it changes; one-shot unless
   DN_MULTISHOT; F_SETSIG gives si_code POLL_MSG and the folder's fd. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

static volatile sig_atomic_t rt_count, rt_code, rt_fd, io_count;

static void on_rt(int signo, siginfo_t* info, void* context) {
    (void)signo;
    (void)context;
    rt_count++;
    rt_code = info->si_code;
    rt_fd = info->si_fd;
}

static void on_io(int signo) {
    (void)signo;
    io_count++;
}

static void make_file(const char* dir, const char* name) {
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    CHECK(close(fd) == 0);
}

static void remove_file(const char* dir, const char* name) {
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    CHECK(unlink(path) == 0);
}

int main(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = on_rt;
    action.sa_flags = SA_SIGINFO | SA_RESTART;
    CHECK(sigaction(SIGRTMIN, &action, NULL) == 0);
    signal(SIGIO, on_io);

    char dir[64];
    snprintf(dir, sizeof dir, "/tmp/dnotify-%d", (int)getpid());
    CHECK(mkdir(dir, 0755) == 0);
    int folder = open(dir, O_RDONLY | O_DIRECTORY);
    CHECK(folder >= 0);
    int regular = open("/proc/self/status", O_RDONLY);
    CHECK(regular >= 0);
    CHECK(fcntl(regular, F_NOTIFY, DN_CREATE) == -1 && errno == ENOTDIR);
    close(regular);

    /* One-shot: the first creation only, with F_SETSIG's details. */
    int once = open(dir, O_RDONLY | O_DIRECTORY);
    CHECK(once >= 0);
    CHECK(fcntl(once, F_SETSIG, SIGRTMIN) == 0);
    CHECK(fcntl(once, F_NOTIFY, DN_CREATE) == 0);
    CHECK(fcntl(once, F_GETOWN) == getpid());
    make_file(dir, "a");
    CHECK(rt_count == 1 && rt_code == POLL_MSG && rt_fd == once);
    make_file(dir, "b");
    CHECK(rt_count == 1);
    close(once);

    /* Multishot: every creation; a removal is not watched. */
    CHECK(fcntl(folder, F_SETSIG, SIGRTMIN) == 0);
    CHECK(fcntl(folder, F_NOTIFY, DN_CREATE | DN_MULTISHOT) == 0);
    make_file(dir, "c");
    CHECK(rt_count == 2 && rt_fd == folder);
    make_file(dir, "d");
    CHECK(rt_count == 3);
    remove_file(dir, "d");
    CHECK(rt_count == 3);

    /* A second F_NOTIFY adds to the request (still multishot). */
    CHECK(fcntl(folder, F_NOTIFY, DN_DELETE) == 0);
    remove_file(dir, "c");
    CHECK(rt_count == 4);
    remove_file(dir, "b");
    CHECK(rt_count == 5);

    /* A change to a file in the folder. */
    CHECK(fcntl(folder, F_NOTIFY, DN_MODIFY) == 0);
    char path[128];
    snprintf(path, sizeof path, "%s/e", dir);
    int file = open(path, O_WRONLY | O_CREAT, 0644);
    CHECK(file >= 0);
    CHECK(rt_count == 6);
    CHECK(write(file, "x", 1) == 1);
    CHECK(rt_count == 7);

    /* No events asked for: the request ends. */
    CHECK(fcntl(folder, F_NOTIFY, DN_MULTISHOT) == 0);
    CHECK(write(file, "y", 1) == 1);
    make_file(dir, "f");
    CHECK(rt_count == 7);

    /* Without F_SETSIG: plain SIGIO. */
    CHECK(fcntl(folder, F_SETSIG, 0) == 0);
    CHECK(fcntl(folder, F_NOTIFY, DN_DELETE | DN_MULTISHOT) == 0);
    remove_file(dir, "f");
    CHECK(io_count == 1);
    remove_file(dir, "a");
    CHECK(io_count == 2);

    close(file);
    remove_file(dir, "e");
    close(folder);
    CHECK(rmdir(dir) == 0);
    puts("dnotify ok");
    return 0;
}
