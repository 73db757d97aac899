/* restart_syscall: a timed sleep or futex wait that a stop cuts short
   resumes, once continued, with the time that was left (Linux's restart
   block), not with its whole timeout again; called with nothing to resume
   it answers EINTR. The child tells it is about to wait 2 s, is stopped
   half a second later for 3 s, and reports when its wait ended: resumed
   with what was left, right after SIGCONT; restarted from scratch, 2 s
   after it. Only that difference is measured, with a second of margin for
   a loaded machine. */
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

static int64_t now_ns(void) {
    struct timespec t;
    CHECK(clock_gettime(CLOCK_MONOTONIC, &t) == 0);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* The child: fd 1 is a pipe to the parent. */
static int child(const char* how) {
    struct timespec two_seconds = {2, 0};
    static int word;
    CHECK(write(1, "r", 1) == 1);
    if (strcmp(how, "nanosleep") == 0) {
        CHECK(nanosleep(&two_seconds, NULL) == 0);
    } else if (strcmp(how, "clock_nanosleep") == 0) {
        CHECK(clock_nanosleep(CLOCK_MONOTONIC, 0, &two_seconds, NULL) == 0);
    } else if (strcmp(how, "futex") == 0) {
        CHECK(syscall(SYS_futex, &word, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, &two_seconds, NULL, 0) == -1 &&
              errno == ETIMEDOUT);
    } else {
        struct timespec until;
        CHECK(clock_gettime(CLOCK_MONOTONIC, &until) == 0);
        until.tv_sec += 2;
        CHECK(syscall(SYS_futex, &word, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, 0, &until, NULL, -1) == -1 &&
              errno == ETIMEDOUT);
    }
    int64_t ended = now_ns();
    CHECK(write(1, &ended, sizeof ended) == sizeof ended);
    return 0;
}

static void stop_and_continue(const char* how) {
    int report[2];
    CHECK(pipe(report) == 0);
    posix_spawn_file_actions_t actions;
    CHECK(posix_spawn_file_actions_init(&actions) == 0);
    CHECK(posix_spawn_file_actions_adddup2(&actions, report[1], 1) == 0);
    pid_t pid;
    char* argv[] = {"restart_block", (char*)how, NULL};
    CHECK(posix_spawn(&pid, "/proc/self/exe", &actions, NULL, argv, environ) == 0);
    CHECK(close(report[1]) == 0);
    char ready;
    CHECK(read(report[0], &ready, 1) == 1);
    struct timespec pause = {0, 500 * 1000 * 1000}, stopped = {3, 0};
    nanosleep(&pause, NULL);
    CHECK(kill(pid, SIGSTOP) == 0);
    int status;
    CHECK(waitpid(pid, &status, WUNTRACED) == pid && WIFSTOPPED(status));
    nanosleep(&stopped, NULL);
    int64_t continued = now_ns();
    CHECK(kill(pid, SIGCONT) == 0);
    int64_t ended = 0;
    CHECK(read(report[0], &ended, sizeof ended) == sizeof ended);
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(close(report[0]) == 0);
    int64_t after_ms = (ended - continued) / 1000000;
    if (after_ms < 0 || after_ms > 1000) fprintf(stderr, "%s ended %lld ms after SIGCONT\n", how, (long long)after_ms);
    CHECK(after_ms >= 0 && after_ms <= 1000);
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
