/* restart_syscall: a timed sleep or futex wait that a stop cuts short
   resumes, once continued, with the time that was left (Linux's restart
   block), not with its whole timeout again; called with nothing to resume
   it answers EINTR. The child sleeps 1 s and is stopped for 1.5 s of it:
   resumed with what was left it ends right after SIGCONT (about 1.7 s from
   its start), restarted from scratch it would take 1 s more. */
#define _GNU_SOURCE
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

#define FUTEX_WAIT 0
#define FUTEX_WAIT_BITSET 9
#define FUTEX_PRIVATE_FLAG 128

extern char** environ;

static int64_t now_ms(void) {
    struct timespec t;
    CHECK(clock_gettime(CLOCK_MONOTONIC, &t) == 0);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static int child(const char* how) {
    int64_t start = now_ms();
    struct timespec one_second = {1, 0};
    static int word;
    if (strcmp(how, "nanosleep") == 0) {
        CHECK(nanosleep(&one_second, NULL) == 0);
    } else if (strcmp(how, "clock_nanosleep") == 0) {
        CHECK(clock_nanosleep(CLOCK_MONOTONIC, 0, &one_second, NULL) == 0);
    } else if (strcmp(how, "futex") == 0) {
        CHECK(syscall(SYS_futex, &word, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, &one_second, NULL, 0) == -1 &&
              errno == ETIMEDOUT);
    } else {
        struct timespec until;
        CHECK(clock_gettime(CLOCK_MONOTONIC, &until) == 0);
        until.tv_sec += 1;
        CHECK(syscall(SYS_futex, &word, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, 0, &until, NULL, -1) == -1 &&
              errno == ETIMEDOUT);
    }
    int64_t took = now_ms() - start;
    if (took < 1000 || took > 2300) {
        fprintf(stderr, "%s: %lld ms\n", how, (long long)took);
        return 1;
    }
    return 0;
}

static void stop_and_continue(const char* how) {
    pid_t pid;
    char* argv[] = {"restart_block", (char*)how, NULL};
    CHECK(posix_spawn(&pid, "/proc/self/exe", NULL, NULL, argv, environ) == 0);
    struct timespec pause = {0, 200 * 1000 * 1000}, stopped = {1, 500 * 1000 * 1000};
    nanosleep(&pause, NULL);
    CHECK(kill(pid, SIGSTOP) == 0);
    int status;
    CHECK(waitpid(pid, &status, WUNTRACED) == pid && WIFSTOPPED(status));
    nanosleep(&stopped, NULL);
    CHECK(kill(pid, SIGCONT) == 0);
    CHECK(waitpid(pid, &status, 0) == pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) fprintf(stderr, "%s: status %#x\n", how, status);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int main(int argc, char** argv) {
    if (argc > 1) return child(argv[1]);
    errno = 0;
    CHECK(syscall(SYS_restart_syscall) == -1 && errno == EINTR);
    stop_and_continue("nanosleep");
    stop_and_continue("clock_nanosleep");
    stop_and_continue("futex");
    stop_and_continue("futex_bitset");
    printf("restart_block ok\n");
    return 0;
}
