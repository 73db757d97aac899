/* posix_spawn + waitpid of PROGRAM (stdout to /dev/null), N times; prints the mean microseconds
   per spawn+wait. */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>

extern char** environ;

int main(int argc, char** argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: spawn_wait PROGRAM N\n");
        return 2;
    }
    long n = atol(argv[2]);
    char* child_argv[] = {argv[1], NULL};
    /* The children's output would be in the figure's way. */
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (long i = 0; i < n; ++i) {
        pid_t pid;
        if (posix_spawn(&pid, argv[1], &actions, NULL, child_argv, environ) != 0) return 1;
        int status;
        if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    double us = (end.tv_sec - start.tv_sec) * 1e6 + (end.tv_nsec - start.tv_nsec) / 1e3;
    printf("%.1f\n", us / n);
    return 0;
}
