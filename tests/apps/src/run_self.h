/* Tests that need a second process run their own program again in a role
   (argv[1]), passing their pid (argv[2]) so that both name the same files. */
#ifndef CELLA_APP_RUN_SELF_H
#define CELLA_APP_RUN_SELF_H
#include <spawn.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

extern char** environ;

/* The pid the test's file names use: the first process's. */
static inline int test_pid(int argc, char** argv) { return argc > 2 ? atoi(argv[2]) : (int)getpid(); }

static inline pid_t spawn_self(char* self, char* role) {
    char pid_text[16];
    snprintf(pid_text, sizeof pid_text, "%d", (int)getpid());
    char* child_argv[] = {self, role, pid_text, NULL};
    pid_t pid;
    CHECK(posix_spawn(&pid, "/proc/self/exe", NULL, NULL, child_argv, environ) == 0);
    return pid;
}

/* Waits for a spawned role and checks that it succeeded. */
static inline void reap(pid_t pid) {
    int status;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static inline void run_self(char* self, char* role) { reap(spawn_self(self, role)); }

#endif
