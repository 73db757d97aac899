/* /proc/PID/stat and status: the state letter of a process blocked on a
   pipe (S), stopped (T), a zombie (Z) and the reader (R); CPU times that
   grow with work, per process and per thread; start times; and memory
   figures that agree with statm. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <spawn.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

/* Fields of /proc/.../stat by Linux's numbering (1 = pid), read into
   `fields` as numbers; field 3 (the state letter) as a character. */
struct Stat {
    char name[64];
    char state;
    unsigned long long field[53];
};

static int read_stat(const char* path, struct Stat* out) {
    char text[2048];
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    ssize_t n = read(fd, text, sizeof text - 1);
    CHECK(n > 0);
    close(fd);
    text[n] = '\0';
    CHECK(text[n - 1] == '\n');
    char* open_paren = strchr(text, '(');
    char* close_paren = strrchr(text, ')');
    CHECK(open_paren && close_paren && close_paren > open_paren);
    memset(out, 0, sizeof *out);
    snprintf(out->name, sizeof out->name, "%.*s", (int)(close_paren - open_paren - 1), open_paren + 1);
    out->field[1] = strtoull(text, NULL, 10);
    char* p = close_paren + 2;
    out->state = *p;
    p += 1;
    int count = 3;
    while (*p == ' ' && count < 52) {
        out->field[++count] = strtoull(p + 1, &p, 10);
    }
    CHECK(count == 52 && *p == '\n');
    return 0;
}

static char state_of(int pid) {
    char path[64];
    struct Stat st;
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    CHECK(read_stat(path, &st) == 0);
    return st.state;
}

/* Waits (up to 5 s) for `pid` to show `state`. */
static void wait_for_state(int pid, char state) {
    for (int i = 0; i < 500; ++i) {
        if (state_of(pid) == state) return;
        usleep(10000);
    }
    fprintf(stderr, "pid %d: state %c, not %c\n", pid, state_of(pid), state);
    CHECK(0);
}

static void status_line(int pid, const char* key, char* out, size_t size) {
    char path[64], text[4096];
    snprintf(path, sizeof path, "/proc/%d/status", pid);
    read_whole_file(path, text, sizeof text);
    char* line = strstr(text, key);
    CHECK(line != NULL);
    line += strlen(key);
    size_t n = strcspn(line, "\n");
    CHECK(n < size);
    memcpy(out, line, n);
    out[n] = '\0';
}

static double cpu_seconds(void) {
    struct timespec ts;
    CHECK(clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == 0);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static volatile unsigned long sink;

static void burn(double seconds) {
    double until = cpu_seconds() + seconds;
    while (cpu_seconds() < until)
        for (int i = 0; i < 100000; ++i) sink += i;
}

extern char** environ;

/* Runs this program again in `role`, with `stdin_fd` (if not -1) as its stdin. */
static pid_t spawn_role(char* self, char* role, int stdin_fd) {
    posix_spawn_file_actions_t actions;
    CHECK(posix_spawn_file_actions_init(&actions) == 0);
    if (stdin_fd >= 0) CHECK(posix_spawn_file_actions_adddup2(&actions, stdin_fd, 0) == 0);
    char* args[] = {self, role, NULL};
    pid_t pid;
    CHECK(posix_spawn(&pid, self, &actions, NULL, args, environ) == 0);
    CHECK(posix_spawn_file_actions_destroy(&actions) == 0);
    return pid;
}

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int phase;
static int worker_tid;

static void* worker(void* arg) {
    (void)arg;
    worker_tid = (int)syscall(SYS_gettid);
    burn(0.3);
    pthread_mutex_lock(&lock);
    phase = 1;
    pthread_cond_broadcast(&cond);
    while (phase != 2) pthread_cond_wait(&cond, &lock);
    pthread_mutex_unlock(&lock);
    return NULL;
}

int main(int argc, char** argv) {
    if (argc > 1 && strcmp(argv[1], "reader") == 0) {
        char c;
        return read(0, &c, 1) == 1 && c == 'x' ? 0 : 1;
    }
    if (argc > 1 && strcmp(argv[1], "sleeper") == 0) {
        struct timespec nap = {30, 0};
        nanosleep(&nap, NULL);
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "waiter") == 0) {
        /* Waits for a child of its own that reads the same stdin. */
        pid_t reader = spawn_role(argv[0], "reader", -1);
        int status;
        return waitpid(reader, &status, 0) == reader && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
    }
    if (argc > 1 && strcmp(argv[1], "burner") == 0) {
        burn(0.3);
        return 7;
    }
    long ticks = sysconf(_SC_CLK_TCK);
    CHECK(ticks == 100);
    int self = getpid();
    struct Stat me;
    CHECK(read_stat("/proc/self/stat", &me) == 0);
    CHECK(me.state == 'R' && (int)me.field[1] == self && strcmp(me.name, "procfs_state") == 0);
    CHECK((int)me.field[4] == getppid() && (int)me.field[5] == getpgrp() && (int)me.field[6] == getsid(0));
    CHECK(me.field[20] == 1);  /* num_threads */
    char line[128];
    status_line(self, "State:\t", line, sizeof line);
    CHECK(strcmp(line, "R (running)") == 0);

    /* Scheduling: the policy in field 41, the allowed CPUs in status. */
    struct sched_param param = {0};
    /* musl's sched_setscheduler is a stub: the system call itself. */
    CHECK(syscall(SYS_sched_setscheduler, 0, SCHED_BATCH, &param) == 0);
    CHECK(read_stat("/proc/self/stat", &me) == 0);
    CHECK(me.field[41] == SCHED_BATCH && me.field[40] == 0);
    CHECK(syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, &param) == 0);
    CHECK(read_stat("/proc/self/stat", &me) == 0);
    CHECK(me.field[41] == SCHED_OTHER);
    cpu_set_t cpus;
    CHECK(sched_getaffinity(0, sizeof cpus, &cpus) == 0);
    status_line(self, "Cpus_allowed_list:\t", line, sizeof line);
    int all = CPU_COUNT(&cpus);
    char expected_list[32];
    snprintf(expected_list, sizeof expected_list, all == 1 ? "0" : "0-%d", all - 1);
    if (CPU_ISSET(0, &cpus) && CPU_ISSET(all - 1, &cpus)) CHECK(strcmp(line, expected_list) == 0);
    if (all >= 2) {
        cpu_set_t one;
        CPU_ZERO(&one);
        CPU_SET(1, &one);
        CHECK(sched_setaffinity(0, sizeof one, &one) == 0);
        status_line(self, "Cpus_allowed_list:\t", line, sizeof line);
        CHECK(strcmp(line, "1") == 0);
        status_line(self, "Cpus_allowed:\t", line, sizeof line);
        size_t n = strlen(line);
        CHECK(n >= 1 && line[n - 1] == '2');
        for (size_t i = 0; i + 1 < n; ++i) CHECK(line[i] == '0' || line[i] == ',');
        CHECK(sched_setaffinity(0, sizeof cpus, &cpus) == 0);
    }

    /* Start time: ticks since boot, not after now. */
    struct timespec boot;
    CHECK(clock_gettime(CLOCK_BOOTTIME, &boot) == 0);
    unsigned long long now_ticks = boot.tv_sec * 100ULL + boot.tv_nsec / 10000000;
    CHECK(me.field[22] <= now_ticks);

    /* vsize and rss agree with statm (the same mappings, read back to back). */
    char statm[256];
    read_whole_file("/proc/self/statm", statm, sizeof statm);
    CHECK(read_stat("/proc/self/stat", &me) == 0);
    unsigned long long size_pages, resident_pages;
    CHECK(sscanf(statm, "%llu %llu", &size_pages, &resident_pages) == 2);
    long page = sysconf(_SC_PAGESIZE);
    CHECK(me.field[23] == size_pages * page);
    /* Linux's own counters lag by per-CPU batches; the LibOS's agree. */
    unsigned long long slack = resident_pages / 4 > 16 ? resident_pages / 4 : 16;
    CHECK(me.field[24] + slack >= resident_pages && me.field[24] <= resident_pages + slack);
    CHECK(resident_pages > 0);

    /* CPU time: user + system grow by about what the thread burned. */
    unsigned long long before = me.field[14] + me.field[15];
    burn(0.5);
    CHECK(read_stat("/proc/self/stat", &me) == 0);
    unsigned long long after = me.field[14] + me.field[15];
    CHECK(after >= before + 30 && after <= before + 500);

    /* A thread: its own utime under task/, the process's includes it, and
       it sleeps (S) while it waits on a condition variable. */
    pthread_t thread;
    CHECK(pthread_create(&thread, NULL, worker, NULL) == 0);
    pthread_mutex_lock(&lock);
    while (phase != 1) pthread_cond_wait(&cond, &lock);
    pthread_mutex_unlock(&lock);
    char path[96];
    snprintf(path, sizeof path, "/proc/self/task/%d/stat", worker_tid);
    struct Stat task;
    for (int i = 0; i < 500; ++i) {
        CHECK(read_stat(path, &task) == 0);
        if (task.state == 'S') break;
        usleep(10000);
    }
    CHECK(task.state == 'S' && (int)task.field[1] == worker_tid && task.field[20] == 2);
    CHECK(task.field[14] + task.field[15] >= 20);
    CHECK(task.field[22] >= me.field[22]);
    struct Stat whole;
    CHECK(read_stat("/proc/self/stat", &whole) == 0);
    CHECK(whole.field[20] == 2);
    CHECK(whole.field[14] + whole.field[15] >= after + task.field[14] + task.field[15] - 5);
    pthread_mutex_lock(&lock);
    phase = 2;
    pthread_cond_broadcast(&cond);
    pthread_mutex_unlock(&lock);
    CHECK(pthread_join(thread, NULL) == 0);

    /* A child blocked reading an empty pipe sleeps (S). */
    int to_child[2];
    CHECK(pipe(to_child) == 0);
    CHECK(fcntl(to_child[1], F_SETFD, FD_CLOEXEC) == 0);
    pid_t child = spawn_role(argv[0], "reader", to_child[0]);
    close(to_child[0]);
    /* status and stat are read one after the other: both must say S at
       once, which a reader that spins before it sleeps reaches soon. */
    struct Stat child_stat;
    snprintf(path, sizeof path, "/proc/%d/stat", child);
    for (int i = 0; i < 500; ++i) {
        wait_for_state(child, 'S');
        status_line(child, "State:\t", line, sizeof line);
        CHECK(read_stat(path, &child_stat) == 0);
        if (strcmp(line, "S (sleeping)") == 0 && child_stat.state == 'S') break;
        usleep(10000);
    }
    CHECK(strcmp(line, "S (sleeping)") == 0 && child_stat.state == 'S');
    CHECK((int)child_stat.field[4] == self && child_stat.field[22] >= me.field[22]);
    CHECK(child_stat.field[35] == 1);  /* waiting: Linux shows 1 for the wait channel */

    /* Stopped (T), then running again. */
    CHECK(kill(child, SIGSTOP) == 0);
    int status;
    CHECK(waitpid(child, &status, WUNTRACED) == child && WIFSTOPPED(status));
    CHECK(state_of(child) == 'T');
    status_line(child, "State:\t", line, sizeof line);
    CHECK(strcmp(line, "T (stopped)") == 0);
    CHECK(kill(child, SIGCONT) == 0);
    wait_for_state(child, 'S');

    /* Once it exits and is not yet waited for, a zombie (Z) with its name
       and exit status; the parent's children's times count it once reaped. */
    CHECK(write(to_child[1], "x", 1) == 1);
    wait_for_state(child, 'Z');
    CHECK(read_stat(path, &child_stat) == 0);
    CHECK(strcmp(child_stat.name, "procfs_state") == 0 && child_stat.field[20] == 1);
    CHECK(child_stat.field[23] == 0 && child_stat.field[24] == 0);
    CHECK(child_stat.field[52] == 0);  /* exit code 0 as a wait status */
    status_line(child, "State:\t", line, sizeof line);
    CHECK(strcmp(line, "Z (zombie)") == 0);
    CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(access(path, F_OK) == -1 && errno == ENOENT);

    /* Sleeping in nanosleep, and waiting in waitpid, are S too. */
    CHECK(pipe(to_child) == 0);
    CHECK(fcntl(to_child[1], F_SETFD, FD_CLOEXEC) == 0);
    pid_t waiter = spawn_role(argv[0], "waiter", to_child[0]);
    close(to_child[0]);
    wait_for_state(waiter, 'S');
    CHECK(write(to_child[1], "x", 1) == 1 && close(to_child[1]) == 0);
    CHECK(waitpid(waiter, &status, 0) == waiter && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    pid_t sleeper = spawn_role(argv[0], "sleeper", -1);
    wait_for_state(sleeper, 'S');
    CHECK(kill(sleeper, SIGKILL) == 0);
    CHECK(waitpid(sleeper, &status, 0) == sleeper && WIFSIGNALED(status));

    /* A child that burns CPU: its time shows as the parent's cutime once reaped. */
    CHECK(read_stat("/proc/self/stat", &me) == 0);
    unsigned long long children_before = me.field[16] + me.field[17];
    child = spawn_role(argv[0], "burner", -1);
    struct rusage used;
    CHECK(wait4(child, &status, 0, &used) == child && WEXITSTATUS(status) == 7);
    double child_seconds = used.ru_utime.tv_sec + used.ru_utime.tv_usec / 1e6 + used.ru_stime.tv_sec +
                           used.ru_stime.tv_usec / 1e6;
    CHECK(child_seconds >= 0.25);
    CHECK(read_stat("/proc/self/stat", &me) == 0);
    CHECK(me.field[16] + me.field[17] >= children_before + 20);
    /* getrusage(RUSAGE_CHILDREN) and times() tell the same as cutime and cstime. */
    struct rusage children;
    CHECK(getrusage(RUSAGE_CHILDREN, &children) == 0);
    double ticks_seconds = (me.field[16] + me.field[17]) / 100.0;
    double rusage_seconds = children.ru_utime.tv_sec + children.ru_utime.tv_usec / 1e6 + children.ru_stime.tv_sec +
                            children.ru_stime.tv_usec / 1e6;
    CHECK(rusage_seconds + 0.05 >= ticks_seconds && rusage_seconds <= ticks_seconds + 0.05);
    struct tms tms;
    CHECK(times(&tms) != (clock_t)-1);
    CHECK((unsigned long long)(tms.tms_cutime + tms.tms_cstime) + 5 >= me.field[16] + me.field[17] &&
          (unsigned long long)(tms.tms_cutime + tms.tms_cstime) <= me.field[16] + me.field[17] + 5);

    printf("procfs_state ok\n");
    return 0;
}
