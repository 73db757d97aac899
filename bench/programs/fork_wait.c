/* fork + waitpid, N times: the child either exits at once (`exit N`) or
   execs PROGRAM with stdout to /dev/null (`exec PROGRAM N`); prints the
   mean microseconds per fork+wait. Inside cella it needs
   process.fork = "sequential". */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char** argv) {
    int exec_mode = argc == 4 && strcmp(argv[1], "exec") == 0;
    if (!exec_mode && !(argc == 3 && strcmp(argv[1], "exit") == 0)) {
        fprintf(stderr, "usage: fork_wait exit N | fork_wait exec PROGRAM N\n");
        return 2;
    }
    long n = atol(argv[argc - 1]);
    /* Some memory of the parent's own, as a real program has. */
    size_t heap_size = 1 << 20;
    char* heap = malloc(heap_size);
    if (!heap) return 1;
    memset(heap, 1, heap_size);
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (long i = 0; i < n; ++i) {
        pid_t pid = fork();
        if (pid < 0) {
            perror("fork");
            return 1;
        }
        if (pid == 0) {
            if (exec_mode) {
                int null = open("/dev/null", O_WRONLY);
                dup2(null, 1);
                execl(argv[2], argv[2], (char*)NULL);
            }
            _exit(0);
        }
        int status;
        if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    double us = (end.tv_sec - start.tv_sec) * 1e6 + (end.tv_nsec - start.tv_nsec) / 1e3;
    printf("%.1f\n", us / n);
    free(heap);
    return 0;
}
