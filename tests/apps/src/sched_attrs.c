/* Scheduling attributes: nice values with the raw syscall's 20 - nice
   convention and EACCES for raising priority without privilege, CPU
   affinity kept per thread and readable by tid, policies and parameters,
   sched_getattr/setattr, I/O priorities. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "check.h"

/* musl's wrappers of these answer ENOSYS by design: the raw calls. */
#define sched_getscheduler(pid) syscall(SYS_sched_getscheduler, pid)
#define sched_setscheduler(pid, policy, param) syscall(SYS_sched_setscheduler, pid, policy, param)
#define sched_getparam(pid, param) syscall(SYS_sched_getparam, pid, param)

struct sched_attr_v1 {
    unsigned size, policy;
    unsigned long long flags;
    int nice;
    unsigned priority;
    unsigned long long runtime, deadline, period;
    unsigned util_min, util_max;
};

static volatile int thread_tid;
static volatile int release;

static void* worker(void* unused) {
    (void)unused;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(0, &one);
    CHECK(sched_setaffinity(0, sizeof one, &one) == 0);
    __atomic_store_n(&thread_tid, (int)syscall(SYS_gettid), __ATOMIC_RELEASE);
    while (!__atomic_load_n(&release, __ATOMIC_ACQUIRE)) sched_yield();
    return NULL;
}

int main(void) {
    errno = 0;
    CHECK(getpriority(PRIO_PROCESS, 0) == 0 && errno == 0);
    CHECK(syscall(SYS_getpriority, PRIO_PROCESS, 0) == 20);
    CHECK(setpriority(PRIO_PROCESS, 0, 5) == 0);
    CHECK(getpriority(PRIO_PROCESS, getpid()) == 5);
    CHECK(syscall(SYS_getpriority, PRIO_PROCESS, 0) == 15);
    CHECK(nice(2) == 7);
    CHECK(setpriority(PRIO_PROCESS, 0, 100) == 0 && getpriority(PRIO_PROCESS, 0) == 19);
    CHECK(getpriority(PRIO_PGRP, 0) <= 19);  /* the best of the group */
    CHECK(getpriority(PRIO_USER, 0) <= 19);
    CHECK(getpriority(7, 0) == -1 && errno == EINVAL);
    CHECK(getpriority(PRIO_PROCESS, 999999) == -1 && errno == ESRCH);
    /* Root may lower the nice value again. */
    CHECK(setpriority(PRIO_PROCESS, 0, 0) == 0 && getpriority(PRIO_PROCESS, 0) == 0);

    CHECK(sched_get_priority_max(SCHED_FIFO) == 99 && sched_get_priority_min(SCHED_RR) == 1);
    CHECK(sched_get_priority_max(SCHED_OTHER) == 0 && sched_get_priority_max(42) == -1 && errno == EINVAL);
    CHECK(sched_getscheduler(0) == SCHED_OTHER);
    struct sched_param param = {0};
    CHECK(sched_getparam(0, &param) == 0 && param.sched_priority == 0);
    param.sched_priority = 5;
    CHECK(sched_setscheduler(0, SCHED_OTHER, &param) == -1 && errno == EINVAL);
    param.sched_priority = 0;
    CHECK(sched_setscheduler(0, SCHED_BATCH, &param) == 0 && sched_getscheduler(0) == SCHED_BATCH);
    CHECK(sched_setscheduler(0, SCHED_OTHER, &param) == 0);
    struct timespec slice;
    CHECK(sched_rr_get_interval(0, &slice) == 0 && slice.tv_sec >= 0 && slice.tv_nsec >= 0);

    struct sched_attr_v1 attr;
    memset(&attr, 0xff, sizeof attr);
    CHECK(syscall(SYS_sched_getattr, 0, &attr, sizeof attr, 0) == 0);
    CHECK(attr.size == sizeof attr && attr.policy == SCHED_OTHER && attr.nice == 0 && attr.priority == 0);
    CHECK(syscall(SYS_sched_getattr, 0, &attr, 20, 0) == -1 && errno == EINVAL);
    memset(&attr, 0, sizeof attr);
    attr.size = sizeof attr;
    attr.policy = SCHED_OTHER;
    attr.nice = 3;
    CHECK(syscall(SYS_sched_setattr, 0, &attr, 0) == 0);
    CHECK(getpriority(PRIO_PROCESS, 0) == 3);
    attr.size = 8;
    CHECK(syscall(SYS_sched_setattr, 0, &attr, 0) == -1 && errno == E2BIG && attr.size == sizeof attr);

    /* Affinity is per thread, and another thread's can be read by tid. */
    cpu_set_t set;
    CHECK(sched_getaffinity(0, sizeof set, &set) == 0 && CPU_ISSET(0, &set));
    int cpus = CPU_COUNT(&set);
    pthread_t thread;
    CHECK(pthread_create(&thread, NULL, worker, NULL) == 0);
    while (!__atomic_load_n(&thread_tid, __ATOMIC_ACQUIRE)) sched_yield();
    CHECK(sched_getaffinity(thread_tid, sizeof set, &set) == 0 && CPU_COUNT(&set) == 1 && CPU_ISSET(0, &set));
    CHECK(sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) == cpus);
    __atomic_store_n(&release, 1, __ATOMIC_RELEASE);
    CHECK(pthread_join(thread, NULL) == 0);
    CPU_ZERO(&set);
    CHECK(sched_setaffinity(0, sizeof set, &set) == -1 && errno == EINVAL);
    CHECK(sched_getaffinity(999999, sizeof set, &set) == -1 && errno == ESRCH);
    CHECK(sched_getaffinity(-1, sizeof set, &set) == -1 && errno == ESRCH);
    CHECK(sched_setaffinity(-1, sizeof set, &set) == -1 && errno == ESRCH);
    CHECK(syscall(SYS_sched_getaffinity, 0, 3, &set) == -1 && errno == EINVAL);

    /* I/O priorities: IOPRIO_WHO_PROCESS = 1, class in bits 13-15. */
    CHECK(syscall(SYS_ioprio_set, 1, 0, (2 << 13) | 4) == 0);
    CHECK(syscall(SYS_ioprio_get, 1, 0) == ((2 << 13) | 4));
    CHECK(syscall(SYS_ioprio_set, 1, 0, 4 << 13) == -1 && errno == EINVAL);
    CHECK(syscall(SYS_ioprio_set, 1, 0, 3) == -1 && errno == EINVAL);
    CHECK(syscall(SYS_ioprio_get, 9, 0) == -1 && errno == EINVAL);

    /* Without privilege: raising priority is EACCES, real-time EPERM. */
    CHECK(setuid(65534) == 0);
    CHECK(setpriority(PRIO_PROCESS, 0, 10) == 0);
    CHECK(setpriority(PRIO_PROCESS, 0, 5) == -1 && errno == EACCES);
    CHECK(getpriority(PRIO_PROCESS, 0) == 10);
    CHECK(nice(-1) == -1 && errno == EPERM);
    param.sched_priority = 10;
    CHECK(sched_setscheduler(0, SCHED_FIFO, &param) == -1 && errno == EPERM);
    CHECK(syscall(SYS_ioprio_set, 1, 0, (1 << 13) | 0) == -1 && errno == EPERM);
    puts("sched_attrs ok");
    return 0;
}
