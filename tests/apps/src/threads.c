/* Threads: create/join/detach/exit, 8-thread mutex + condvar + TLS stress,
   malloc under load, thread names, futex timeouts. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

#define THREADS 8
#define ROUNDS 20000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t turn_changed = PTHREAD_COND_INITIALIZER;
static long counter = 0;
static int turn = 0;
static __thread long tls_value = 0;

static void* count_up(void* arg) {
    long id = (long)arg;
    tls_value = id * 1000;
    for (int i = 0; i < ROUNDS; ++i) {
        pthread_mutex_lock(&lock);
        counter++;
        pthread_mutex_unlock(&lock);
        tls_value++;
    }
    return (void*)(tls_value - id * 1000);
}

/* Each thread waits for its turn: a ring passed around with a condvar. */
static void* take_turns(void* arg) {
    long id = (long)arg;
    for (int round = 0; round < 50; ++round) {
        pthread_mutex_lock(&lock);
        while (turn % THREADS != id) pthread_cond_wait(&turn_changed, &lock);
        turn++;
        pthread_cond_broadcast(&turn_changed);
        pthread_mutex_unlock(&lock);
    }
    return NULL;
}

static void* allocate_a_lot(void* arg) {
    (void)arg;
    void* blocks[64] = {0};
    for (int i = 0; i < 20000; ++i) {
        int slot = i % 64;
        free(blocks[slot]);
        blocks[slot] = malloc(16 + (i * 37) % 5000);
        if (!blocks[slot]) return (void*)1;
        memset(blocks[slot], i & 0xff, 16);
    }
    for (int i = 0; i < 64; ++i) free(blocks[i]);
    return NULL;
}

static void* exits_early(void* arg) {
    (void)arg;
    pthread_exit((void*)42);
    return NULL;
}

static volatile int detached_ran = 0;
static void* detached(void* arg) {
    (void)arg;
    detached_ran = 1;
    return NULL;
}

static void* report_tid(void* arg) {
    *(long*)arg = syscall(SYS_gettid);
    char name[16] = {0};
    CHECK(prctl(PR_SET_NAME, "worker-thread", 0, 0, 0) == 0);
    CHECK(prctl(PR_GET_NAME, name, 0, 0, 0) == 0 && strcmp(name, "worker-thread") == 0);
    return NULL;
}

int main(void) {
    pthread_t threads[THREADS];
    for (long i = 0; i < THREADS; ++i) CHECK(pthread_create(&threads[i], NULL, count_up, (void*)i) == 0);
    for (int i = 0; i < THREADS; ++i) {
        void* result;
        CHECK(pthread_join(threads[i], &result) == 0);
        CHECK((long)result == ROUNDS); /* each thread saw only its own TLS */
    }
    CHECK(counter == (long)THREADS * ROUNDS);

    for (long i = 0; i < THREADS; ++i) CHECK(pthread_create(&threads[i], NULL, take_turns, (void*)i) == 0);
    for (int i = 0; i < THREADS; ++i) CHECK(pthread_join(threads[i], NULL) == 0);
    CHECK(turn == THREADS * 50);

    for (long i = 0; i < 4; ++i) CHECK(pthread_create(&threads[i], NULL, allocate_a_lot, NULL) == 0);
    for (int i = 0; i < 4; ++i) {
        void* result;
        CHECK(pthread_join(threads[i], &result) == 0 && result == NULL);
    }

    void* result;
    CHECK(pthread_create(&threads[0], NULL, exits_early, NULL) == 0);
    CHECK(pthread_join(threads[0], &result) == 0 && (long)result == 42);

    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    CHECK(pthread_create(&threads[0], &attr, detached, NULL) == 0);
    for (int i = 0; i < 1000 && !detached_ran; ++i) usleep(1000);
    CHECK(detached_ran);

    long tid = 0;
    CHECK(pthread_create(&threads[0], NULL, report_tid, &tid) == 0);
    CHECK(pthread_join(threads[0], NULL) == 0);
    CHECK(tid > 1 && tid != getpid());

    /* Many short-lived threads: stacks and records are reused. */
    for (int i = 0; i < 200; ++i) {
        CHECK(pthread_create(&threads[0], NULL, detached, NULL) == 0);
        CHECK(pthread_join(threads[0], NULL) == 0);
    }

    /* A timed wait that times out. */
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_nsec += 20 * 1000 * 1000;
    if (deadline.tv_nsec >= 1000000000) { deadline.tv_sec++; deadline.tv_nsec -= 1000000000; }
    pthread_mutex_lock(&lock);
    CHECK(pthread_cond_timedwait(&turn_changed, &lock, &deadline) == ETIMEDOUT);
    pthread_mutex_unlock(&lock);
    printf("threads ok\n");
    return 0;
}
