/* Two threads hand a token back and forth through a futex word; prints
   the mean nanoseconds per one-way hand-off. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129

static _Atomic int turn = 0;
static long rounds;

static void wait_for(int value) {
    while (atomic_load(&turn) != value) syscall(SYS_futex, &turn, FUTEX_WAIT_PRIVATE, !value, NULL, NULL, 0);
}
static void give(int value) {
    atomic_store(&turn, value);
    syscall(SYS_futex, &turn, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void* partner(void* arg) {
    (void)arg;
    for (long i = 0; i < rounds; ++i) {
        wait_for(1);
        give(0);
    }
    return NULL;
}

int main(int argc, char** argv) {
    rounds = argc > 1 ? atol(argv[1]) : 20000;
    pthread_t other;
    pthread_create(&other, NULL, partner, NULL);
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (long i = 0; i < rounds; ++i) {
        give(1);
        wait_for(0);
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    pthread_join(other, NULL);
    double ns = (end.tv_sec - start.tv_sec) * 1e9 + (end.tv_nsec - start.tv_nsec);
    printf("%.1f\n", ns / (2.0 * rounds));
    return 0;
}
