/* execve of itself: close-on-exec fds closed, others kept; handlers reset
   to default, ignored signals stay ignored, the mask is kept; then a #!
   script through execve, and ENOENT for a missing program. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

static void handler(int signal) { (void)signal; }

int main(int argc, char** argv) {
    if (argc > 1 && strcmp(argv[1], "stage2") == 0) {
        CHECK(fcntl(10, F_GETFD) == -1 && errno == EBADF); /* was O_CLOEXEC */
        CHECK(fcntl(11, F_GETFD) == 0);
        char buffer[8] = {0};
        CHECK(pread(11, buffer, 5, 0) == 5 && strcmp(buffer, "cella") == 0);
        struct sigaction now;
        CHECK(sigaction(SIGUSR1, NULL, &now) == 0 && now.sa_handler == SIG_DFL);
        CHECK(sigaction(SIGUSR2, NULL, &now) == 0 && now.sa_handler == SIG_IGN);
        sigset_t mask;
        CHECK(sigprocmask(SIG_SETMASK, NULL, &mask) == 0 && sigismember(&mask, SIGHUP));
        CHECK(strcmp(getenv("STAGE"), "two") == 0);
        printf("exec stage2 ok\n");
        fflush(stdout);
        /* Now a #! script replaces this program. */
        char* script_argv[] = {"/usr/local/bin/tests/script.sh", NULL};
        execve(script_argv[0], script_argv, NULL);
        CHECK(!"execve of the script returned");
    }
    int cloexec = open("/etc/hostname", O_RDONLY | O_CLOEXEC);
    int kept = open("/etc/hostname", O_RDONLY);
    CHECK(dup2(cloexec, 10) == 10 && fcntl(10, F_SETFD, FD_CLOEXEC) == 0);
    CHECK(dup2(kept, 11) == 11);
    signal(SIGUSR1, handler);
    signal(SIGUSR2, SIG_IGN);
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGHUP);
    CHECK(sigprocmask(SIG_BLOCK, &block, NULL) == 0);
    char* missing_argv[] = {"/no/such/program", NULL};
    errno = 0;
    CHECK(execve(missing_argv[0], missing_argv, NULL) == -1 && errno == ENOENT);
    char* next_argv[] = {argv[0], "stage2", NULL};
    char* next_envp[] = {"STAGE=two", NULL};
    execve("/proc/self/exe", next_argv, next_envp);
    CHECK(!"execve returned");
    return 1;
}
