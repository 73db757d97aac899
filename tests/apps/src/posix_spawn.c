/* Every posix_spawn attribute and file action: the child (this program in
   "report" mode) checks what it inherited and exits 0 only if all is as
   the parent asked. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

extern char** environ;

static void on_usr2(int signal) { (void)signal; }

/* argv: report WANT_PGID_IS_SELF WANT_SID_IS_SELF WANT_CWD */
static int report(char** argv) {
    int pgid_is_self = atoi(argv[2]);
    int sid_is_self = atoi(argv[3]);
    const char* want_cwd = argv[4];
    /* Signal mask: SIGUSR1 blocked, SIGUSR2 not. */
    sigset_t mask;
    CHECK(sigprocmask(SIG_BLOCK, NULL, &mask) == 0);
    CHECK(sigismember(&mask, SIGUSR1) == 1 && sigismember(&mask, SIGUSR2) == 0);
    /* setsigdefault: SIGTERM (ignored in the parent) is back to default;
       SIGHUP, ignored and not in the set, stays ignored across exec. */
    struct sigaction action;
    CHECK(sigaction(SIGTERM, NULL, &action) == 0 && action.sa_handler == SIG_DFL);
    CHECK(sigaction(SIGHUP, NULL, &action) == 0 && action.sa_handler == SIG_IGN);
    /* Handled signals are default after exec. */
    CHECK(sigaction(SIGUSR2, NULL, &action) == 0 && action.sa_handler == SIG_DFL);
    /* Process group and session. */
    CHECK((getpgrp() == getpid()) == pgid_is_self);
    CHECK((getsid(0) == getpid()) == sid_is_self);
    /* chdir action. */
    char cwd[256];
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    CHECK(strcmp(cwd, want_cwd) == 0);
    /* open action (fd 5, relative to the new cwd), dup2 (fd 6 = fd 5's file), close (fd 7 gone). */
    char text[64] = {0};
    CHECK(pread(5, text, sizeof text - 1, 0) > 0 && strcmp(text, "spawned file\n") == 0);
    struct stat a, b;
    CHECK(fstat(5, &a) == 0 && fstat(6, &b) == 0 && a.st_ino == b.st_ino);
    CHECK(fcntl(7, F_GETFD) == -1 && errno == EBADF);
    /* fd 8 was close-on-exec in the parent: gone. fd 9 was not: still here. */
    CHECK(fcntl(8, F_GETFD) == -1 && errno == EBADF);
    CHECK(fcntl(9, F_GETFD) == 0);
    return 0;
}

static int run(posix_spawn_file_actions_t* actions, posix_spawnattr_t* attr, const char* pgid_self,
               const char* sid_self, const char* cwd) {
    char* argv[] = {(char*)"posix_spawn", (char*)"report", (char*)pgid_self, (char*)sid_self, (char*)cwd, NULL};
    pid_t pid;
    int error = posix_spawn(&pid, "/proc/self/exe", actions, attr, argv, environ);
    CHECK(error == 0);
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char** argv) {
    if (argc == 5 && strcmp(argv[1], "report") == 0) return report(argv);

    /* A file in a directory the child will chdir into. */
    CHECK(mkdir("/tmp/spawn-dir", 0755) == 0 || errno == EEXIST);
    FILE* file = fopen("/tmp/spawn-dir/data.txt", "w");
    CHECK(file != NULL);
    fputs("spawned file\n", file);
    CHECK(fclose(file) == 0);

    /* The parent's state the attributes change or keep. */
    sigset_t blocked;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGUSR2);
    CHECK(sigprocmask(SIG_BLOCK, &blocked, NULL) == 0);
    signal(SIGTERM, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    signal(SIGUSR2, on_usr2);
    int keep = open("/tmp/spawn-dir/data.txt", O_RDONLY);
    CHECK(keep >= 0 && dup2(keep, 9) == 9 && dup2(keep, 7) == 7);
    CHECK(fcntl(9, F_SETFD, 0) == 0);
    CHECK(dup3(keep, 8, O_CLOEXEC) == 8);
    close(keep);

    posix_spawn_file_actions_t actions;
    CHECK(posix_spawn_file_actions_init(&actions) == 0);
    CHECK(posix_spawn_file_actions_addchdir_np(&actions, "/tmp/spawn-dir") == 0);
    CHECK(posix_spawn_file_actions_addopen(&actions, 5, "data.txt", O_RDONLY, 0) == 0);
    CHECK(posix_spawn_file_actions_adddup2(&actions, 5, 6) == 0);
    CHECK(posix_spawn_file_actions_addclose(&actions, 7) == 0);

    posix_spawnattr_t attr;
    CHECK(posix_spawnattr_init(&attr) == 0);
    sigset_t child_mask, defaults;
    sigemptyset(&child_mask);
    sigaddset(&child_mask, SIGUSR1);
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGTERM);
    CHECK(posix_spawnattr_setsigmask(&attr, &child_mask) == 0);
    CHECK(posix_spawnattr_setsigdefault(&attr, &defaults) == 0);
    CHECK(posix_spawnattr_setpgroup(&attr, 0) == 0);
    CHECK(posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP) ==
          0);
    /* A new process group: the child leads it, in our session. */
    CHECK(run(&actions, &attr, "1", "0", "/tmp/spawn-dir") == 0);

    /* A new session: leader of both. */
    CHECK(posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSID) == 0);
    CHECK(run(&actions, &attr, "1", "1", "/tmp/spawn-dir") == 0);

    /* Joining an existing group: ours. */
    CHECK(posix_spawnattr_setpgroup(&attr, getpgrp()) == 0);
    CHECK(posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP) ==
          0);
    CHECK(run(&actions, &attr, "0", "0", "/tmp/spawn-dir") == 0);

    /* A failing file action fails the spawn with its errno. */
    posix_spawn_file_actions_t bad;
    CHECK(posix_spawn_file_actions_init(&bad) == 0);
    CHECK(posix_spawn_file_actions_addopen(&bad, 5, "/tmp/no-such-dir/x", O_RDONLY, 0) == 0);
    char* argv3[] = {(char*)"posix_spawn", NULL};
    pid_t pid;
    CHECK(posix_spawn(&pid, "/proc/self/exe", &bad, NULL, argv3, environ) == ENOENT);
    posix_spawn_file_actions_destroy(&bad);
    /* ... and leaves no child behind. */
    CHECK(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD);

    /* posix_spawnp searches PATH. */
    posix_spawn_file_actions_t quiet;
    CHECK(posix_spawn_file_actions_init(&quiet) == 0);
    CHECK(posix_spawn_file_actions_addopen(&quiet, 1, "/dev/null", O_WRONLY, 0) == 0);
    CHECK(posix_spawn_file_actions_addopen(&quiet, 2, "/dev/null", O_WRONLY, 0) == 0);
    char* argv4[] = {(char*)"posix_spawn-missing-program", NULL};
    CHECK(posix_spawnp(&pid, "posix_spawn-missing-program", &quiet, NULL, argv4, environ) == ENOENT);
    posix_spawn_file_actions_destroy(&quiet);

    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&actions);
    printf("posix_spawn ok\n");
    return 0;
}
