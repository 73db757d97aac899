/* Many posix_spawns of a large program (48 MiB of bss) that each stay
   alive: when the address space runs out, posix_spawn fails with ENOMEM
   (as Linux answers when memory runs out) while the parent and every
   child already started carry on; no child dies of SIGSEGV half-way
   through its exec. */
#define _GNU_SOURCE
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

extern char** environ;

#define kChildren 40
static char big[48 << 20];

int main(int argc, char** argv) {
    if (argc > 1 && strcmp(argv[1], "child") == 0) {
        big[sizeof big - 1] = 1;
        char byte;
        while (read(0, &byte, 1) > 0) {
        }
        return big[sizeof big - 1] == 1 ? 0 : 9;
    }
    int hold[2];
    CHECK(pipe(hold) == 0);
    posix_spawn_file_actions_t actions;
    CHECK(posix_spawn_file_actions_init(&actions) == 0);
    CHECK(posix_spawn_file_actions_adddup2(&actions, hold[0], 0) == 0);
    CHECK(posix_spawn_file_actions_addclose(&actions, hold[1]) == 0);
    pid_t children[kChildren];
    int spawned = 0, refused = 0;
    char* child_argv[] = {"spawn_storm", "child", NULL};
    for (int i = 0; i < kChildren; ++i) {
        pid_t pid;
        int error = posix_spawn(&pid, "/proc/self/exe", &actions, NULL, child_argv, environ);
        if (error == 0) {
            children[spawned++] = pid;
        } else {
            if (error != ENOMEM) fprintf(stderr, "posix_spawn: %s\n", strerror(error));
            CHECK(error == ENOMEM);
            ++refused;
        }
    }
    big[0] = 1; /* the parent's memory is intact */
    CHECK(close(hold[1]) == 0);
    for (int i = 0; i < spawned; ++i) {
        int status;
        CHECK(waitpid(children[i], &status, 0) == children[i]);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) fprintf(stderr, "child %d: status %#x\n", i, status);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    printf("spawn_storm ok: spawned %d, refused %d\n", spawned, refused);
    return 0;
}
