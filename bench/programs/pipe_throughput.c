/* Moves TOTAL bytes through a pipe (or, with a third argument "socket",
   an AF_UNIX stream socket pair) to a child process in writes of CHUNK
   bytes; the child reads in 64 KiB reads and counts. Prints MiB/s. */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char** environ;

static int reader(long total) {
    static char buffer[65536];
    long got = 0;
    ssize_t n;
    while ((n = read(0, buffer, sizeof buffer)) > 0) got += n;
    return got == total ? 0 : 1;
}

int main(int argc, char** argv) {
    if (argc == 3 && strcmp(argv[1], "read") == 0) return reader(atol(argv[2]));
    if (argc < 3) {
        fprintf(stderr, "usage: pipe_throughput CHUNK TOTAL [socket]\n");
        return 2;
    }
    long chunk = atol(argv[1]), total = atol(argv[2]);
    int fds[2];
    if (argc > 3 && strcmp(argv[3], "socket") == 0) {
        if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0) return 1;
    } else if (pipe(fds) != 0) {
        return 1;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[0], 0);
    posix_spawn_file_actions_addclose(&actions, fds[1]);
    char* child_argv[] = {argv[0], (char*)"read", argv[2], NULL};
    pid_t pid;
    if (posix_spawn(&pid, "/proc/self/exe", &actions, NULL, child_argv, environ) != 0) return 1;
    close(fds[0]);
    char* data = malloc((size_t)chunk);
    memset(data, 'x', (size_t)chunk);
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (long sent = 0; sent < total;) {
        long want = total - sent < chunk ? total - sent : chunk;
        ssize_t n = write(fds[1], data, (size_t)want);
        if (n <= 0) return 1;
        sent += n;
    }
    close(fds[1]);
    int status;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return 1;
    clock_gettime(CLOCK_MONOTONIC, &end);
    double seconds = (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
    printf("%.1f\n", total / seconds / (1024.0 * 1024.0));
    return 0;
}
