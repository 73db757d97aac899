/* exit() from the main thread ends threads blocked in the LibOS (a futex
   wait and a long sleep) and one spinning in application code. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

static int never = 0;

static void* wait_forever(void* arg) {
    (void)arg;
    syscall(SYS_futex, &never, 0 /* FUTEX_WAIT */, 0, NULL, NULL, 0);
    return NULL;
}
static void* sleep_long(void* arg) {
    (void)arg;
    sleep(100);
    return NULL;
}
static void* spin(void* arg) {
    (void)arg;
    for (volatile unsigned long i = 0;; ++i) {
    }
    return NULL;
}

int main(void) {
    pthread_t t;
    pthread_create(&t, NULL, wait_forever, NULL);
    pthread_create(&t, NULL, sleep_long, NULL);
    pthread_create(&t, NULL, spin, NULL);
    usleep(50000);
    printf("exiting\n");
    fflush(stdout);
    exit(3);
}
