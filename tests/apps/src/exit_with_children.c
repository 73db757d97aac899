/* The first process exits while children still run (blocked in a pipe
   read, sleeping, stopped): the enclave ends with its status and no
   process is left behind. */
#define _GNU_SOURCE
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

extern char** environ;

int main(int argc, char** argv) {
    if (argc == 2 && strcmp(argv[1], "read") == 0) {
        char c;
        return read(0, &c, 1) == 0 ? 0 : 1;
    }
    if (argc == 2 && strcmp(argv[1], "sleep") == 0) {
        sleep(100);
        return 0;
    }
    int fds[2];
    CHECK(pipe(fds) == 0);
    posix_spawn_file_actions_t actions;
    CHECK(posix_spawn_file_actions_init(&actions) == 0);
    CHECK(posix_spawn_file_actions_adddup2(&actions, fds[0], 0) == 0);
    const char* modes[] = {"read", "sleep", "sleep"};
    pid_t pids[3];
    for (int i = 0; i < 3; ++i) {
        char* child_argv[] = {(char*)"exit_with_children", (char*)modes[i], NULL};
        CHECK(posix_spawn(&pids[i], "/proc/self/exe", &actions, NULL, child_argv, environ) == 0);
    }
    CHECK(kill(pids[2], SIGSTOP) == 0);
    usleep(50 * 1000);
    printf("leaving children behind\n");
    fflush(stdout);
    return 3;
}
