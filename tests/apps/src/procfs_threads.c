/* /proc with two threads: task/ lists both, each has its own comm and
   stat, status counts them, and /proc/thread-self follows the caller. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "check.h"

static pthread_barrier_t named, checked;
static int worker_tid;

static void read_text(const char* path, char* buffer, size_t size) {
    int fd = open(path, O_RDONLY);
    CHECK(fd >= 0);
    ssize_t n = read(fd, buffer, size - 1);
    CHECK(n >= 0);
    buffer[n] = '\0';
    CHECK(close(fd) == 0);
}

static void* worker(void* arg) {
    (void)arg;
    CHECK(prctl(PR_SET_NAME, "worker", 0, 0, 0) == 0);
    worker_tid = (int)syscall(SYS_gettid);
    /* thread-self is this thread, and it is the one running. */
    char link[64], expected[64], text[4096];
    ssize_t n = readlink("/proc/thread-self", link, sizeof link - 1);
    CHECK(n > 0);
    link[n] = '\0';
    snprintf(expected, sizeof expected, "%d/task/%d", (int)getpid(), worker_tid);
    CHECK(strcmp(link, expected) == 0);
    read_text("/proc/thread-self/stat", text, sizeof text);
    snprintf(expected, sizeof expected, "%d (worker) R ", worker_tid);
    CHECK(strncmp(text, expected, strlen(expected)) == 0);
    pthread_barrier_wait(&named);
    pthread_barrier_wait(&checked);
    return NULL;
}

int main(void) {
    CHECK(pthread_barrier_init(&named, NULL, 2) == 0 && pthread_barrier_init(&checked, NULL, 2) == 0);
    pthread_t thread;
    CHECK(pthread_create(&thread, NULL, worker, NULL) == 0);
    pthread_barrier_wait(&named);
    CHECK(worker_tid > 0 && worker_tid != getpid());

    char text[8192], path[64];
    read_text("/proc/self/status", text, sizeof text);
    CHECK(strstr(text, "\nThreads:\t2\n") != NULL);
    CHECK(strncmp(text, "Name:\tprocfs_threads\n", 21) == 0);

    DIR* dir = opendir("/proc/self/task");
    CHECK(dir != NULL);
    int saw_main = 0, saw_worker = 0, count = 0;
    struct dirent* entry;
    while ((entry = readdir(dir)) != NULL) {
        if (entry->d_name[0] == '.') continue;
        ++count;
        if (atoi(entry->d_name) == getpid()) saw_main = 1;
        if (atoi(entry->d_name) == worker_tid) saw_worker = 1;
    }
    CHECK(closedir(dir) == 0);
    CHECK(count == 2 && saw_main && saw_worker);

    snprintf(path, sizeof path, "/proc/self/task/%d/comm", worker_tid);
    read_text(path, text, sizeof text);
    CHECK(strcmp(text, "worker\n") == 0);
    snprintf(path, sizeof path, "/proc/self/task/%d/comm", (int)getpid());
    read_text(path, text, sizeof text);
    CHECK(strcmp(text, "procfs_threads\n") == 0);
    /* The worker waits at the barrier, so it sleeps (once it has got there). */
    snprintf(path, sizeof path, "/proc/self/task/%d/stat", worker_tid);
    char expected[64];
    snprintf(expected, sizeof expected, "%d (worker) S ", worker_tid);
    for (int i = 0; i < 500; ++i) {
        read_text(path, text, sizeof text);
        if (strncmp(text, expected, strlen(expected)) == 0) break;
        usleep(10000);
    }
    CHECK(strncmp(text, expected, strlen(expected)) == 0);
    /* A tid is not a process of its own here, and not a task of another pid. */
    snprintf(path, sizeof path, "/proc/self/task/%d/comm", worker_tid + 1000);
    CHECK(open(path, O_RDONLY) == -1 && errno == ENOENT);

    pthread_barrier_wait(&checked);
    CHECK(pthread_join(thread, NULL) == 0);
    snprintf(path, sizeof path, "/proc/self/task/%d", worker_tid);
    CHECK(opendir(path) == NULL && errno == ENOENT);
    read_text("/proc/self/status", text, sizeof text);
    CHECK(strstr(text, "\nThreads:\t1\n") != NULL);

    printf("procfs_threads ok\n");
    return 0;
}
