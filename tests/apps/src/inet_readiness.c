/* Readiness across host sockets and LibOS objects in one wait: epoll
   (level, edge, one-shot) and poll over a TCP connection, a pipe and a
   timerfd, each woken by whichever of them becomes ready first, from
   another thread, without waiting out a polling slice. Passes natively. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>

#include "check.h"

static int client, server, pipe_ends[2];

static long long now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

static void connect_pair(void) {
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = {.sin_family = AF_INET};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK(bind(listener, (struct sockaddr*)&address, sizeof address) == 0 && listen(listener, 1) == 0);
    socklen_t length = sizeof address;
    CHECK(getsockname(listener, (struct sockaddr*)&address, &length) == 0);
    client = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(connect(client, (struct sockaddr*)&address, sizeof address) == 0);
    server = accept(listener, NULL, NULL);
    CHECK(server >= 0 && close(listener) == 0);
}

struct later {
    int fd;
    int delay_ms;
};

static void* write_later(void* arg) {
    struct later* what = arg;
    usleep(what->delay_ms * 1000);
    CHECK(write(what->fd, "w", 1) == 1);
    return NULL;
}

static void drain(int fd) {
    char buffer[16];
    CHECK(read(fd, buffer, sizeof buffer) > 0);
}

/* Waits on `epoll` for one event; the writer thread makes `fd` ready. */
static unsigned long long wait_woken_by(int epoll, int fd) {
    pthread_t thread;
    struct later what = {fd, 30};
    CHECK(pthread_create(&thread, NULL, write_later, &what) == 0);
    struct epoll_event event;
    long long start = now_ms();
    CHECK(epoll_wait(epoll, &event, 1, 5000) == 1);
    /* Woken by the write, well before the 5 s timeout. */
    CHECK(now_ms() - start < 2000);
    CHECK(pthread_join(thread, NULL) == 0);
    return event.data.u64;
}

static void check_epoll(void) {
    int epoll = epoll_create1(EPOLL_CLOEXEC);
    int timer = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
    CHECK(epoll >= 0 && timer >= 0);
    struct epoll_event event = {.events = EPOLLIN, .data.u64 = 1};
    CHECK(epoll_ctl(epoll, EPOLL_CTL_ADD, server, &event) == 0);
    event.data.u64 = 2;
    CHECK(epoll_ctl(epoll, EPOLL_CTL_ADD, pipe_ends[0], &event) == 0);
    event.data.u64 = 3;
    CHECK(epoll_ctl(epoll, EPOLL_CTL_ADD, timer, &event) == 0);
    CHECK(epoll_ctl(epoll, EPOLL_CTL_ADD, server, &event) == -1 && errno == EEXIST);
    CHECK(epoll_wait(epoll, &event, 1, 0) == 0);
    /* A pipe write wakes a wait that also watches the socket, and the reverse. */
    CHECK(wait_woken_by(epoll, pipe_ends[1]) == 2);
    drain(pipe_ends[0]);
    CHECK(wait_woken_by(epoll, client) == 1);
    /* Level-triggered: reported until read. */
    CHECK(epoll_wait(epoll, &event, 1, 0) == 1 && event.data.u64 == 1 && (event.events & EPOLLIN));
    drain(server);
    CHECK(epoll_wait(epoll, &event, 1, 0) == 0);
    /* The timer expires while nothing else happens. */
    struct itimerspec expiry = {{0, 0}, {0, 20 * 1000 * 1000}};
    CHECK(timerfd_settime(timer, 0, &expiry, NULL) == 0);
    CHECK(epoll_wait(epoll, &event, 1, 5000) == 1 && event.data.u64 == 3);
    unsigned long long expirations;
    CHECK(read(timer, &expirations, sizeof expirations) == 8 && expirations == 1);
    /* Edge-triggered: one report per arrival. */
    event.events = EPOLLIN | EPOLLET;
    event.data.u64 = 1;
    CHECK(epoll_ctl(epoll, EPOLL_CTL_MOD, server, &event) == 0);
    CHECK(write(client, "a", 1) == 1);
    CHECK(epoll_wait(epoll, &event, 1, 5000) == 1 && event.data.u64 == 1);
    CHECK(epoll_wait(epoll, &event, 1, 50) == 0);
    CHECK(write(client, "b", 1) == 1);
    CHECK(epoll_wait(epoll, &event, 1, 5000) == 1 && event.data.u64 == 1);
    drain(server);
    /* One-shot: disarmed after one report until EPOLL_CTL_MOD. */
    event.events = EPOLLIN | EPOLLONESHOT;
    event.data.u64 = 4;
    CHECK(epoll_ctl(epoll, EPOLL_CTL_MOD, server, &event) == 0);
    CHECK(write(client, "c", 1) == 1);
    CHECK(epoll_wait(epoll, &event, 1, 5000) == 1 && event.data.u64 == 4);
    CHECK(epoll_wait(epoll, &event, 1, 50) == 0);
    event.events = EPOLLIN;
    event.data.u64 = 5;
    CHECK(epoll_ctl(epoll, EPOLL_CTL_MOD, server, &event) == 0);
    CHECK(epoll_wait(epoll, &event, 1, 0) == 1 && event.data.u64 == 5);
    drain(server);
    /* Deleted: never reported again. */
    CHECK(epoll_ctl(epoll, EPOLL_CTL_DEL, server, NULL) == 0);
    CHECK(write(client, "d", 1) == 1);
    CHECK(epoll_wait(epoll, &event, 1, 50) == 0);
    drain(server);
    CHECK(close(epoll) == 0 && close(timer) == 0);
}

static void check_poll_and_select(void) {
    struct pollfd entries[2] = {{server, POLLIN, 0}, {pipe_ends[0], POLLIN, 0}};
    CHECK(poll(entries, 2, 0) == 0);
    pthread_t thread;
    struct later what = {pipe_ends[1], 30};
    CHECK(pthread_create(&thread, NULL, write_later, &what) == 0);
    long long start = now_ms();
    CHECK(poll(entries, 2, 5000) == 1 && entries[1].revents == POLLIN && entries[0].revents == 0);
    CHECK(now_ms() - start < 2000);
    CHECK(pthread_join(thread, NULL) == 0);
    drain(pipe_ends[0]);
    what.fd = client;
    CHECK(pthread_create(&thread, NULL, write_later, &what) == 0);
    CHECK(poll(entries, 2, 5000) == 1 && entries[0].revents == POLLIN && entries[1].revents == 0);
    CHECK(pthread_join(thread, NULL) == 0);
    fd_set readable;
    FD_ZERO(&readable);
    FD_SET(server, &readable);
    FD_SET(pipe_ends[0], &readable);
    int top = server > pipe_ends[0] ? server : pipe_ends[0];
    CHECK(select(top + 1, &readable, NULL, NULL, NULL) == 1 && FD_ISSET(server, &readable));
    drain(server);
    /* The peer shuts down: readable (end of file) and POLLRDHUP. */
    CHECK(shutdown(client, SHUT_WR) == 0);
    struct pollfd hangup = {server, POLLIN | POLLRDHUP, 0};
    CHECK(poll(&hangup, 1, 5000) == 1 && (hangup.revents & POLLRDHUP) && (hangup.revents & POLLIN));
}

int main(void) {
    connect_pair();
    CHECK(pipe(pipe_ends) == 0);
    check_epoll();
    check_poll_and_select();
    puts("inet_readiness ok");
    return 0;
}
