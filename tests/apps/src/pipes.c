/* Pipes, eventfd, poll, select and epoll between threads of one process. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "check.h"

#define TOTAL (64 << 20)

static int fds[2];

static void* produce(void* arg) {
    (void)arg;
    static unsigned char chunk[65536];
    uint32_t seed = 1;
    for (size_t sent = 0; sent < TOTAL;) {
        size_t n = sizeof chunk < TOTAL - sent ? sizeof chunk : TOTAL - sent;
        for (size_t i = 0; i < n; ++i) chunk[i] = (unsigned char)((seed = seed * 1103515245 + 12345) >> 24);
        for (size_t done = 0; done < n;) {
            ssize_t w = write(fds[1], chunk + done, n - done);
            CHECK(w > 0);
            done += w;
        }
        sent += n;
    }
    CHECK(close(fds[1]) == 0);
    return NULL;
}

static void* write_later(void* arg) {
    usleep(30000);
    CHECK(write(*(int*)arg, "x", 1) == 1);
    return NULL;
}

static void* write_after_alarm(void* arg) {
    usleep(200000);
    CHECK(write(*(int*)arg, "w", 1) == 1);
    return NULL;
}

static volatile sig_atomic_t alarms;
static void on_alarm(int sig) {
    (void)sig;
    ++alarms;
}

/* A signal reaches a reader blocked on an empty pipe (and a writer on a
   full one): EINTR without SA_RESTART; with it, the read goes on and gets
   what is written later. */
static void check_interrupted_waits(void) {
    int p[2];
    CHECK(pipe(p) == 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
    struct itimerval in_50ms = {{0, 0}, {0, 50000}};
    char byte;
    alarms = 0;
    CHECK(setitimer(ITIMER_REAL, &in_50ms, NULL) == 0);
    errno = 0;
    CHECK(read(p[0], &byte, 1) == -1 && errno == EINTR && alarms == 1);

    static char fill[65536];
    CHECK(write(p[1], fill, sizeof fill) == (ssize_t)sizeof fill);
    CHECK(setitimer(ITIMER_REAL, &in_50ms, NULL) == 0);
    errno = 0;
    CHECK(write(p[1], "z", 1) == -1 && errno == EINTR && alarms == 2);
    CHECK(read(p[0], fill, sizeof fill) == (ssize_t)sizeof fill);

    sa.sa_flags = SA_RESTART;
    CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
    pthread_t writer;
    CHECK(pthread_create(&writer, NULL, write_after_alarm, &p[1]) == 0);
    CHECK(setitimer(ITIMER_REAL, &in_50ms, NULL) == 0);
    CHECK(read(p[0], &byte, 1) == 1 && byte == 'w' && alarms == 3);
    CHECK(pthread_join(writer, NULL) == 0);
    close(p[0]);
    close(p[1]);
}

int main(void) {
    /* A stream through a pipe between two threads, checked byte by byte. */
    CHECK(pipe(fds) == 0);
    pthread_t producer;
    CHECK(pthread_create(&producer, NULL, produce, NULL) == 0);
    static unsigned char buffer[100000];
    uint32_t seed = 1;
    size_t received = 0;
    ssize_t n;
    while ((n = read(fds[0], buffer, sizeof buffer)) > 0) {
        for (ssize_t i = 0; i < n; ++i) CHECK(buffer[i] == (unsigned char)((seed = seed * 1103515245 + 12345) >> 24));
        received += n;
    }
    CHECK(n == 0 && received == TOTAL); /* EOF once the writer closed */
    CHECK(pthread_join(producer, NULL) == 0);
    close(fds[0]);

    /* Non-blocking ends, FIONREAD, capacity, EPIPE with SIGPIPE ignored. */
    CHECK(pipe2(fds, O_NONBLOCK | O_CLOEXEC) == 0);
    CHECK(fcntl(fds[0], F_GETFD) == FD_CLOEXEC);
    char c;
    errno = 0;
    CHECK(read(fds[0], &c, 1) == -1 && errno == EAGAIN);
    CHECK(write(fds[1], "hello", 5) == 5);
    int available = 0;
    CHECK(ioctl(fds[0], FIONREAD, &available) == 0 && available == 5);
    CHECK(fcntl(fds[1], F_GETPIPE_SZ) == 65536);
    CHECK(fcntl(fds[1], F_SETPIPE_SZ, 4096) == 4096);
    static char big[8192];
    errno = 0;
    CHECK(write(fds[1], big, 4096) == -1 && errno == EAGAIN); /* PIPE_BUF: all or nothing */
    /* Larger: as much as fits, which POSIX allows to be nothing. cella's
       ring takes the 4091 bytes left; Linux counts whole pages, and the
       one page holds "hello", so it says EAGAIN. */
    errno = 0;
    ssize_t partial = write(fds[1], big, 8192);
    CHECK(partial == 4096 - 5 || (partial == -1 && errno == EAGAIN));
    struct stat st;
    CHECK(fstat(fds[0], &st) == 0 && S_ISFIFO(st.st_mode));
    signal(SIGPIPE, SIG_IGN);
    close(fds[0]);
    errno = 0;
    CHECK(write(fds[1], "x", 1) == -1 && errno == EPIPE);
    close(fds[1]);

    /* poll: times out, then wakes when another thread writes. */
    CHECK(pipe(fds) == 0);
    struct pollfd p = {fds[0], POLLIN, 0};
    CHECK(poll(&p, 1, 20) == 0);
    pthread_t writer;
    CHECK(pthread_create(&writer, NULL, write_later, &fds[1]) == 0);
    CHECK(poll(&p, 1, 5000) == 1 && (p.revents & POLLIN));
    CHECK(pthread_join(writer, NULL) == 0);

    /* select sees the same. */
    fd_set readable;
    FD_ZERO(&readable);
    FD_SET(fds[0], &readable);
    struct timeval tv = {1, 0};
    CHECK(select(fds[0] + 1, &readable, NULL, NULL, &tv) == 1 && FD_ISSET(fds[0], &readable));

    /* epoll: level-triggered reports again, edge-triggered only on news, one-shot once. */
    int ep = epoll_create1(EPOLL_CLOEXEC);
    CHECK(ep >= 0);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 7};
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, fds[0], &ev) == 0);
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, fds[0], &ev) == -1 && errno == EEXIST);
    struct epoll_event out[4];
    CHECK(epoll_wait(ep, out, 4, 0) == 1 && out[0].data.u64 == 7 && (out[0].events & EPOLLIN));
    CHECK(epoll_wait(ep, out, 4, 0) == 1);
    ev.events = EPOLLIN | EPOLLET;
    CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, fds[0], &ev) == 0);
    CHECK(epoll_wait(ep, out, 4, 0) == 1);
    CHECK(epoll_wait(ep, out, 4, 0) == 0);
    CHECK(write(fds[1], "y", 1) == 1);
    CHECK(epoll_wait(ep, out, 4, 100) == 1);
    ev.events = EPOLLIN | EPOLLONESHOT;
    CHECK(epoll_ctl(ep, EPOLL_CTL_MOD, fds[0], &ev) == 0);
    CHECK(epoll_wait(ep, out, 4, 0) == 1);
    CHECK(epoll_wait(ep, out, 4, 0) == 0);
    CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, fds[0], NULL) == 0);
    CHECK(epoll_wait(ep, out, 4, 10) == 0);

    /* eventfd in semaphore mode, and as an epoll source. */
    int efd = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK);
    CHECK(efd >= 0);
    uint64_t value;
    for (int i = 0; i < 3; ++i) CHECK(read(efd, &value, 8) == 8 && value == 1);
    errno = 0;
    CHECK(read(efd, &value, 8) == -1 && errno == EAGAIN);
    ev.events = EPOLLIN;
    ev.data.u64 = 9;
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev) == 0);
    value = 5;
    CHECK(write(efd, &value, 8) == 8);
    CHECK(epoll_wait(ep, out, 4, 1000) == 1 && out[0].data.u64 == 9);
    close(efd);
    close(ep);
    check_interrupted_waits();
    printf("pipes ok\n");
    return 0;
}
