/* A blocking futex wait interrupted by a handler: restarted under
   SA_RESTART, EINTR without it; nanosleep reports EINTR and the time left. */
#define _GNU_SOURCE
/* musl builds have no kernel headers: the two futex operations used here. */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static volatile int word = 0;
static volatile int handled = 0;
static pid_t main_tid;

static void on_usr1(int signal) {
    (void)signal;
    handled++;
}

static void* interrupt_then_wake(void* arg) {
    (void)arg;
    usleep(30000);
    syscall(SYS_tgkill, getpid(), main_tid, SIGUSR1);
    usleep(30000);
    word = 1;
    syscall(SYS_futex, &word, FUTEX_WAKE, 1, NULL, NULL, 0);
    return NULL;
}

static long wait_on_word(void) {
    word = 0;
    pthread_t helper;
    CHECK(pthread_create(&helper, NULL, interrupt_then_wake, NULL) == 0);
    long result = syscall(SYS_futex, &word, FUTEX_WAIT, 0, NULL, NULL, 0);
    int saved = errno;
    CHECK(pthread_join(helper, NULL) == 0);
    errno = saved;
    return result;
}

int main(void) {
    main_tid = (pid_t)syscall(SYS_gettid);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;

    sa.sa_flags = SA_RESTART;
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
    errno = 0;
    CHECK(wait_on_word() == 0); /* restarted after the handler, then woken */
    CHECK(handled == 1);

    sa.sa_flags = 0;
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
    errno = 0;
    CHECK(wait_on_word() == -1 && errno == EINTR);
    CHECK(handled == 2);

    /* nanosleep: EINTR with the remaining time, whatever SA_RESTART says. */
    sa.sa_flags = SA_RESTART;
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
    pthread_t helper;
    word = 0;
    CHECK(pthread_create(&helper, NULL, interrupt_then_wake, NULL) == 0);
    struct timespec request = {5, 0}, remaining = {0, 0};
    errno = 0;
    CHECK(nanosleep(&request, &remaining) == -1 && errno == EINTR);
    CHECK(remaining.tv_sec >= 3 && remaining.tv_sec <= 5);
    CHECK(pthread_join(helper, NULL) == 0);
    printf("restart ok\n");
    return 0;
}
