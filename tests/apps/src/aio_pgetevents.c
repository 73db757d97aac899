/* io_pgetevents: io_getevents with a signal mask that holds only while it
   waits. A signal the mask lets through interrupts it (EINTR after the
   handler, with the caller's own mask back); one the mask blocks waits
   until the call returns; a bad mask size is EINVAL. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "aio_abi.h"
#include "check.h"

struct aio_sigset {
    const sigset_t* sigmask;
    size_t sigsetsize;
};

static volatile sig_atomic_t usr1_seen, usr2_seen;
static pid_t main_tid;

static void on_usr1(int signo) { (void)signo; usr1_seen++; }
static void on_usr2(int signo) { (void)signo; usr2_seen++; }

static long pgetevents(aio_context_t ctx, long min, long n, struct io_event* events, struct timespec* timeout,
                       struct aio_sigset* set) {
    return syscall(SYS_io_pgetevents, ctx, min, n, events, timeout, set);
}

/* Sends `signo` to the main thread after 100 ms. */
static void* send_later(void* arg) {
    struct timespec pause = {0, 100 * 1000 * 1000};
    nanosleep(&pause, NULL);
    CHECK(syscall(SYS_tgkill, getpid(), main_tid, (int)(intptr_t)arg) == 0);
    return NULL;
}

static sigset_t current_mask(void) {
    sigset_t mask;
    CHECK(pthread_sigmask(SIG_SETMASK, NULL, &mask) == 0);
    return mask;
}

int main(void) {
    main_tid = (pid_t)syscall(SYS_gettid);
    signal(SIGUSR1, on_usr1);
    signal(SIGUSR2, on_usr2);
    aio_context_t ctx = 0;
    CHECK(syscall(SYS_io_setup, 8, &ctx) == 0);

    /* A completed write is returned with or without a mask. */
    int fd = open("/tmp/aio_pgetevents.test", O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0);
    static char data[64] = "pgetevents";
    struct iocb request = {.aio_data = 7, .aio_lio_opcode = IOCB_CMD_PWRITE, .aio_fildes = (uint32_t)fd,
                           .aio_buf = (uint64_t)(uintptr_t)data, .aio_nbytes = sizeof data};
    struct iocb* requests[] = {&request};
    CHECK(syscall(SYS_io_submit, ctx, 1, requests) == 1);
    struct io_event events[4];
    sigset_t empty;
    sigemptyset(&empty);
    struct aio_sigset with_empty = {&empty, 8};
    CHECK(pgetevents(ctx, 1, 4, events, NULL, &with_empty) == 1);
    CHECK(events[0].data == 7 && events[0].res == (int64_t)sizeof data);
    CHECK(pgetevents(ctx, 0, 4, events, NULL, NULL) == 0);

    struct aio_sigset bad_size = {&empty, 4};
    CHECK(pgetevents(ctx, 1, 4, events, NULL, &bad_size) == -1 && errno == EINVAL);
    CHECK(pgetevents(ctx, 1, 4, events, NULL, (struct aio_sigset*)8) == -1 && errno == EFAULT);

    /* SIGUSR1 blocked by the caller, let through while waiting: EINTR, the
       handler ran, and the caller's mask is back. */
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    CHECK(pthread_sigmask(SIG_BLOCK, &usr1, NULL) == 0);
    pthread_t sender;
    CHECK(pthread_create(&sender, NULL, send_later, (void*)(intptr_t)SIGUSR1) == 0);
    struct timespec long_wait = {5, 0};
    CHECK(pgetevents(ctx, 1, 4, events, &long_wait, &with_empty) == -1 && errno == EINTR);
    CHECK(usr1_seen == 1);
    CHECK(pthread_join(sender, NULL) == 0);
    sigset_t after = current_mask();
    CHECK(sigismember(&after, SIGUSR1) == 1);
    CHECK(pthread_sigmask(SIG_UNBLOCK, &usr1, NULL) == 0);

    /* SIGUSR2 open in the caller's mask, blocked while waiting: the wait
       runs to its timeout, then the signal arrives. */
    sigset_t usr2;
    sigemptyset(&usr2);
    sigaddset(&usr2, SIGUSR2);
    struct aio_sigset with_usr2 = {&usr2, 8};
    CHECK(pthread_create(&sender, NULL, send_later, (void*)(intptr_t)SIGUSR2) == 0);
    struct timespec short_wait = {0, 400 * 1000 * 1000};
    CHECK(pgetevents(ctx, 1, 4, events, &short_wait, &with_usr2) == 0);
    CHECK(usr2_seen == 1);
    CHECK(pthread_join(sender, NULL) == 0);
    after = current_mask();
    CHECK(sigismember(&after, SIGUSR2) == 0);

    CHECK(syscall(SYS_io_destroy, ctx) == 0);
    close(fd);
    unlink("/tmp/aio_pgetevents.test");
    puts("aio_pgetevents ok");
    return 0;
}
