/* User and group ids follow Linux's rules for root and for an ordinary
   user, in every thread, and pass to children and across execve. */
#define _GNU_SOURCE
#include <grp.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/fsuid.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

extern char** environ;

static void* other_thread(void* arg) {
    (void)arg;
    /* glibc made this thread repeat the calls of the main thread. */
    uid_t r, e, s;
    CHECK(getresuid(&r, &e, &s) == 0 && r == 1000 && e == 1000 && s == 0);
    return NULL;
}

int main(int argc, char** argv) {
    if (argc == 2 && strcmp(argv[1], "child") == 0) {
        /* Inherited through posix_spawn and execve; the auxv says the same. */
        CHECK(getuid() == 1000 && geteuid() == 1000 && getgid() == 100 && getegid() == 100);
        CHECK(getauxval(AT_UID) == 1000 && getauxval(AT_EGID) == 100);
        return 0;
    }
    uid_t r, e, s;
    CHECK(getresuid(&r, &e, &s) == 0 && r == 0 && e == 0 && s == 0);
    gid_t groups[4] = {10, 20};
    CHECK(setgroups(2, groups) == 0);
    CHECK(getgroups(0, NULL) == 2);
    memset(groups, 0, sizeof groups);
    CHECK(getgroups(4, groups) == 2 && groups[0] == 10 && groups[1] == 20);
    CHECK(getgroups(1, groups) == -1 && errno == EINVAL);
    CHECK(setresgid(100, 100, 100) == 0 && getgid() == 100 && getegid() == 100);

    /* Drop to 1000, keeping root as the saved id (in every thread). */
    pthread_t thread;
    CHECK(setresuid(1000, 1000, 0) == 0);
    CHECK(pthread_create(&thread, NULL, other_thread, NULL) == 0 && pthread_join(thread, NULL) == 0);
    CHECK(getuid() == 1000 && geteuid() == 1000);
    CHECK(setgroups(0, NULL) == -1 && errno == EPERM);
    CHECK(setresuid(-1, 7, -1) == -1 && errno == EPERM);
    CHECK(setfsuid(5) == 1000 && setfsuid(-1) == 1000); /* refused, and reports the old id */
    /* The saved id lets it back to root, then setuid as root sets all three. */
    CHECK(seteuid(0) == 0 && geteuid() == 0 && getuid() == 1000);
    CHECK(setuid(1000) == 0);
    CHECK(getresuid(&r, &e, &s) == 0 && r == 1000 && e == 1000 && s == 1000);
    CHECK(setuid(0) == -1 && errno == EPERM);
    CHECK(setreuid(1000, 1000) == 0);

    char* child_argv[] = {(char*)"credentials", (char*)"child", NULL};
    pid_t pid;
    CHECK(posix_spawn(&pid, "/proc/self/exe", NULL, NULL, child_argv, environ) == 0);
    int status;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    printf("credentials ok\n");
    return 0;
}
