/* Starts PROGRAM (stdout to /dev/null) and waits for it, N times; prints
   the mean microseconds per start+wait. By posix_spawn, or with `vfork` as
   a third argument by vfork+execve: glibc's posix_spawn child resets every
   signal's action first (about 130 syscalls); the vfork child makes three
   (open /dev/null, dup2, execve). */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char** environ;

static pid_t start_by_vfork(const char* program, char** child_argv) {
    pid_t pid = vfork();
    if (pid == 0) {
        int null_fd = open("/dev/null", O_WRONLY);
        if (null_fd < 0 || dup2(null_fd, 1) < 0) _exit(126);
        execve(program, child_argv, environ);
        _exit(127);
    }
    return pid;
}

int main(int argc, char** argv) {
    if (argc < 3 || (argc == 4 && strcmp(argv[3], "vfork") != 0)) {
        fprintf(stderr, "usage: spawn_wait PROGRAM N [vfork]\n");
        return 2;
    }
    long n = atol(argv[2]);
    int by_vfork = argc == 4;
    char* child_argv[] = {argv[1], NULL};
    /* The children's output would be in the figure's way. */
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (long i = 0; i < n; ++i) {
        pid_t pid;
        if (by_vfork) {
            pid = start_by_vfork(argv[1], child_argv);
            if (pid < 0) return 1;
        } else if (posix_spawn(&pid, argv[1], &actions, NULL, child_argv, environ) != 0) {
            return 1;
        }
        int status;
        if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    double us = (end.tv_sec - start.tv_sec) * 1e6 + (end.tv_nsec - start.tv_nsec) / 1e3;
    printf("%.1f\n", us / n);
    return 0;
}
