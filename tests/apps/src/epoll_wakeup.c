/* A thread blocked in epoll_wait wakes when another thread adds a file that
   is ready already (EPOLL_CTL_ADD), re-arms a one-shot entry whose file is
   ready (EPOLL_CTL_MOD), or makes a watched file ready. The waits have a
   long timeout only so that a missed wake-up fails instead of hanging.
   Many ready entries: all of them in one call when maxevents allows, and
   every one of them over a few calls when it does not. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static int epoll;
static volatile int waiting;

struct result {
    int count;
    uint64_t data;
};

static void* waiter(void* argument) {
    struct result* result = argument;
    struct epoll_event event;
    __atomic_store_n(&waiting, 1, __ATOMIC_SEQ_CST);
    result->count = epoll_wait(epoll, &event, 1, 20000);
    result->data = event.data.u64;
    return NULL;
}

/* Starts a waiter, lets it block, runs `act`, and returns what it saw. */
static struct result wake_with(void (*act)(void*), void* argument) {
    struct result result = {-2, 0};
    pthread_t thread;
    waiting = 0;
    CHECK(pthread_create(&thread, NULL, waiter, &result) == 0);
    while (!__atomic_load_n(&waiting, __ATOMIC_SEQ_CST)) sched_yield();
    struct timespec pause = {0, 50 * 1000 * 1000};
    nanosleep(&pause, NULL); /* into epoll_wait; a late arrival sees the file ready anyway */
    act(argument);
    CHECK(pthread_join(thread, NULL) == 0);
    return result;
}

static int ready_fd, pipe_fds[2];

static void add_ready(void* unused) {
    (void)unused;
    struct epoll_event event = {.events = EPOLLIN | EPOLLONESHOT, .data.u64 = 11};
    CHECK(epoll_ctl(epoll, EPOLL_CTL_ADD, ready_fd, &event) == 0);
}

static void rearm_ready(void* unused) {
    (void)unused;
    struct epoll_event event = {.events = EPOLLIN, .data.u64 = 12};
    CHECK(epoll_ctl(epoll, EPOLL_CTL_MOD, ready_fd, &event) == 0);
}

static void write_pipe(void* unused) {
    (void)unused;
    CHECK(write(pipe_fds[1], "x", 1) == 1);
}

#define MANY 150

static void check_many_ready(void) {
    int many = epoll_create1(EPOLL_CLOEXEC);
    int fds[MANY];
    for (int i = 0; i < MANY; ++i) {
        fds[i] = eventfd(1, EFD_CLOEXEC);
        CHECK(fds[i] >= 0);
        struct epoll_event event = {.events = EPOLLIN, .data.u64 = (uint64_t)i};
        CHECK(epoll_ctl(many, EPOLL_CTL_ADD, fds[i], &event) == 0);
    }
    static struct epoll_event out[2 * MANY];
    CHECK(epoll_wait(many, out, 2 * MANY, 0) == MANY);
    /* Ten at a time: fifteen calls see all of them, none twice. */
    static char seen[MANY];
    for (int call = 0; call < MANY / 10; ++call) {
        CHECK(epoll_wait(many, out, 10, 0) == 10);
        for (int i = 0; i < 10; ++i) {
            CHECK(out[i].data.u64 < MANY && !seen[out[i].data.u64]);
            seen[out[i].data.u64] = 1;
        }
    }
    for (int i = 0; i < MANY; ++i) CHECK(close(fds[i]) == 0);
    CHECK(close(many) == 0);
}

int main(void) {
    check_many_ready();
    epoll = epoll_create1(EPOLL_CLOEXEC);
    CHECK(epoll >= 0);
    ready_fd = eventfd(1, EFD_CLOEXEC);
    CHECK(ready_fd >= 0);
    CHECK(pipe(pipe_fds) == 0);

    struct result seen = wake_with(add_ready, NULL);
    CHECK(seen.count == 1 && seen.data == 11);
    /* One-shot: reported once, then disarmed until re-armed. */
    struct epoll_event event;
    CHECK(epoll_wait(epoll, &event, 1, 0) == 0);
    seen = wake_with(rearm_ready, NULL);
    CHECK(seen.count == 1 && seen.data == 12);

    struct epoll_event pipe_event = {.events = EPOLLIN, .data.u64 = 13};
    CHECK(epoll_ctl(epoll, EPOLL_CTL_DEL, ready_fd, NULL) == 0);
    CHECK(epoll_ctl(epoll, EPOLL_CTL_ADD, pipe_fds[0], &pipe_event) == 0);
    seen = wake_with(write_pipe, NULL);
    CHECK(seen.count == 1 && seen.data == 13);
    printf("epoll_wakeup ok\n");
    return 0;
}
