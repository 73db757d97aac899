/* Clocks and timers: CPU-time clocks, setitimer/alarm (REAL and PROF),
   POSIX timers with SIGEV_SIGNAL, SIGEV_THREAD_ID and SIGEV_NONE,
   getrusage and times. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

#ifndef SIGEV_THREAD_ID
#define SIGEV_THREAD_ID 4
#endif
#ifdef sigev_notify_thread_id
#define sigev_thread_id sigev_notify_thread_id
#else
#define sigev_thread_id _sigev_un._tid
#endif

static volatile sig_atomic_t alarms = 0, profs = 0, timer_hits = 0, timer_value = 0;
static volatile pid_t timer_tid = 0;

static void on_alarm(int signal) { (void)signal; alarms++; }
static void on_prof(int signal) { (void)signal; profs++; }
static void on_timer(int signal, siginfo_t* info, void* context) {
    (void)signal;
    (void)context;
    timer_hits++;
    timer_value = info->si_value.sival_int;
    timer_tid = (pid_t)syscall(SYS_gettid);
}

static double now(clockid_t clock) {
    struct timespec t;
    CHECK(clock_gettime(clock, &t) == 0);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void burn(double seconds) {
    double start = now(CLOCK_THREAD_CPUTIME_ID);
    volatile unsigned long x = 0;
    while (now(CLOCK_THREAD_CPUTIME_ID) - start < seconds) x++;
}

static volatile int stop_waiting = 0;
static void* wait_for_timer(void* arg) {
    *(pid_t*)arg = (pid_t)syscall(SYS_gettid);
    while (!stop_waiting) usleep(1000);
    return NULL;
}

int main(void) {
    /* CPU clocks advance with work; the thread's is at most the process's. */
    double process0 = now(CLOCK_PROCESS_CPUTIME_ID), thread0 = now(CLOCK_THREAD_CPUTIME_ID);
    burn(0.05);
    double process1 = now(CLOCK_PROCESS_CPUTIME_ID), thread1 = now(CLOCK_THREAD_CPUTIME_ID);
    CHECK(thread1 - thread0 >= 0.05 && process1 - process0 >= 0.05);
    clockid_t own;
    CHECK(pthread_getcpuclockid(pthread_self(), &own) == 0);
    CHECK(now(own) >= thread1);
    struct timespec resolution;
    CHECK(clock_getres(CLOCK_MONOTONIC, &resolution) == 0 && resolution.tv_sec == 0);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
    sa.sa_handler = on_prof;
    CHECK(sigaction(SIGPROF, &sa, NULL) == 0);

    /* ITIMER_REAL with an interval: several SIGALRMs. */
    struct itimerval every = {{0, 20000}, {0, 20000}};
    CHECK(setitimer(ITIMER_REAL, &every, NULL) == 0);
    for (int i = 0; i < 300 && alarms < 3; ++i) usleep(5000);
    CHECK(alarms >= 3);
    struct itimerval left;
    CHECK(getitimer(ITIMER_REAL, &left) == 0 && left.it_interval.tv_usec == 20000);
    struct itimerval off = {{0, 0}, {0, 0}};
    CHECK(setitimer(ITIMER_REAL, &off, NULL) == 0);
    CHECK(getitimer(ITIMER_REAL, &left) == 0 && left.it_value.tv_sec == 0 && left.it_value.tv_usec == 0);

    /* alarm(): the old value comes back. */
    alarms = 0;
    CHECK(alarm(10) == 0);
    CHECK(alarm(0) == 10);
    CHECK(alarm(1) == 0);
    for (int i = 0; i < 300 && !alarms; ++i) usleep(10000);
    CHECK(alarms == 1);

    /* ITIMER_PROF counts CPU time. */
    struct itimerval prof = {{0, 10000}, {0, 10000}};
    CHECK(setitimer(ITIMER_PROF, &prof, NULL) == 0);
    burn(0.15);
    CHECK(setitimer(ITIMER_PROF, &off, NULL) == 0);
    CHECK(profs >= 2);

    /* POSIX timer, SIGEV_SIGNAL with a value. */
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_timer;
    sa.sa_flags = SA_SIGINFO;
    CHECK(sigaction(SIGRTMIN, &sa, NULL) == 0);
    struct sigevent event;
    memset(&event, 0, sizeof event);
    event.sigev_notify = SIGEV_SIGNAL;
    event.sigev_signo = SIGRTMIN;
    event.sigev_value.sival_int = 77;
    timer_t timer;
    CHECK(timer_create(CLOCK_MONOTONIC, &event, &timer) == 0);
    struct itimerspec once = {{0, 0}, {0, 10 * 1000 * 1000}};
    CHECK(timer_settime(timer, 0, &once, NULL) == 0);
    for (int i = 0; i < 300 && !timer_hits; ++i) usleep(5000);
    CHECK(timer_hits == 1 && timer_value == 77);
    CHECK(timer_getoverrun(timer) == 0);
    CHECK(timer_delete(timer) == 0);
    int again = timer_delete(timer); /* musl returns -EINVAL itself instead of setting errno */
    CHECK(again == -1 ? errno == EINVAL : again == -EINVAL);

    /* SIGEV_THREAD_ID: the signal goes to that thread. */
    pid_t waiter_tid = 0;
    pthread_t waiter;
    sigset_t rt;
    sigemptyset(&rt);
    sigaddset(&rt, SIGRTMIN);
    CHECK(pthread_create(&waiter, NULL, wait_for_timer, &waiter_tid) == 0);
    while (!waiter_tid) usleep(1000);
    event.sigev_notify = SIGEV_THREAD_ID;
    event.sigev_thread_id = waiter_tid;
    event.sigev_value.sival_int = 88;
    timer_hits = 0;
    CHECK(timer_create(CLOCK_REALTIME, &event, &timer) == 0);
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    t.tv_nsec += 10 * 1000 * 1000;
    if (t.tv_nsec >= 1000000000) { t.tv_sec++; t.tv_nsec -= 1000000000; }
    struct itimerspec at = {{0, 0}, t};
    CHECK(timer_settime(timer, TIMER_ABSTIME, &at, NULL) == 0);
    for (int i = 0; i < 300 && !timer_hits; ++i) usleep(5000);
    stop_waiting = 1;
    CHECK(pthread_join(waiter, NULL) == 0);
    CHECK(timer_hits == 1 && timer_value == 88 && timer_tid == waiter_tid);
    CHECK(timer_delete(timer) == 0);

    /* SIGEV_NONE: no signal, but the time left can be read. */
    event.sigev_notify = SIGEV_NONE;
    CHECK(timer_create(CLOCK_MONOTONIC, &event, &timer) == 0);
    struct itimerspec long_one = {{0, 0}, {5, 0}}, read_back;
    CHECK(timer_settime(timer, 0, &long_one, NULL) == 0);
    CHECK(timer_gettime(timer, &read_back) == 0 && read_back.it_value.tv_sec >= 4 && read_back.it_value.tv_sec <= 5);
    CHECK(timer_delete(timer) == 0);

    struct rusage usage;
    CHECK(getrusage(RUSAGE_SELF, &usage) == 0 && (usage.ru_utime.tv_sec > 0 || usage.ru_utime.tv_usec > 0));
    CHECK(getrusage(RUSAGE_THREAD, &usage) == 0);
    struct tms tms;
    CHECK(times(&tms) != (clock_t)-1 && tms.tms_utime + tms.tms_stime > 0);
    printf("timers ok\n");
    return 0;
}
