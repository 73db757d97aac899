/* Readiness of AF_UNIX sockets for poll, select and epoll (level- and
   edge-triggered): a listener with a pending connection, a connected
   stream, a full send buffer, a peer that shuts down or closes
   (POLLRDHUP, POLLHUP); and blocking calls cut short by signals: EINTR
   without SA_RESTART, a restart with it, EINTR with SO_RCVTIMEO set.
   SIGIO with O_ASYNC. Passes natively too. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#include "check.h"

static short revents(int fd, short events) {
    struct pollfd entry = {fd, events, 0};
    CHECK(poll(&entry, 1, 0) >= 0);
    return entry.revents;
}

static void check_poll(void) {
    int listener = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct sockaddr_un address = {AF_UNIX};
    CHECK(bind(listener, (struct sockaddr*)&address, sizeof(sa_family_t)) == 0);
    socklen_t length = sizeof address;
    CHECK(getsockname(listener, (struct sockaddr*)&address, &length) == 0);
    CHECK(listen(listener, 4) == 0);
    CHECK(revents(listener, POLLIN | POLLOUT) == 0);
    /* A fresh stream socket: writable, and hung up since not connected. */
    int client = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(revents(client, POLLIN | POLLOUT) == (POLLOUT | POLLHUP));
    CHECK(connect(client, (struct sockaddr*)&address, length) == 0);
    CHECK(revents(listener, POLLIN | POLLOUT) == POLLIN);
    /* select sees the pending connection too. */
    fd_set readable;
    FD_ZERO(&readable);
    FD_SET(listener, &readable);
    struct timeval zero = {0, 0};
    CHECK(select(listener + 1, &readable, NULL, NULL, &zero) == 1 && FD_ISSET(listener, &readable));
    int server = accept(listener, NULL, NULL);
    CHECK(server >= 0 && revents(listener, POLLIN) == 0);
    CHECK(revents(server, POLLIN | POLLOUT) == POLLOUT);
    CHECK(write(client, "x", 1) == 1);
    CHECK(revents(server, POLLIN | POLLOUT) == (POLLIN | POLLOUT));
    char byte;
    CHECK(read(server, &byte, 1) == 1);
    /* A full send buffer is not writable. */
    CHECK(fcntl(client, F_SETFL, O_NONBLOCK) == 0);
    static char block[4096];
    while (write(client, block, sizeof block) > 0) {
    }
    CHECK(errno == EAGAIN && (revents(client, POLLOUT) & POLLOUT) == 0);
    while (read(server, block, sizeof block) == (ssize_t)sizeof block && (revents(server, POLLIN) & POLLIN)) {
    }
    CHECK(revents(client, POLLOUT) == POLLOUT);
    /* The peer shuts down its writing: readable, POLLRDHUP; closed: POLLHUP. */
    CHECK(shutdown(server, SHUT_WR) == 0);
    CHECK(revents(client, POLLIN | POLLRDHUP) == (POLLIN | POLLRDHUP));
    CHECK(close(server) == 0);
    CHECK(revents(client, POLLIN | POLLOUT | POLLRDHUP) == (POLLIN | POLLOUT | POLLRDHUP | POLLHUP));
    CHECK(close(client) == 0 && close(listener) == 0);
}

static void check_epoll(void) {
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) == 0);
    int level = epoll_create1(EPOLL_CLOEXEC), edge = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event event = {EPOLLIN | EPOLLRDHUP, {.fd = sv[1]}};
    CHECK(epoll_ctl(level, EPOLL_CTL_ADD, sv[1], &event) == 0);
    event.events |= EPOLLET;
    CHECK(epoll_ctl(edge, EPOLL_CTL_ADD, sv[1], &event) == 0);
    struct epoll_event ready[4];
    CHECK(epoll_wait(level, ready, 4, 0) == 0 && epoll_wait(edge, ready, 4, 0) == 0);
    CHECK(write(sv[0], "ab", 2) == 2);
    CHECK(epoll_wait(level, ready, 4, 0) == 1 && ready[0].events == EPOLLIN && ready[0].data.fd == sv[1]);
    CHECK(epoll_wait(edge, ready, 4, 0) == 1 && ready[0].events == EPOLLIN);
    /* Level-triggered reports again; edge-triggered waits for new data. */
    CHECK(epoll_wait(level, ready, 4, 0) == 1);
    CHECK(epoll_wait(edge, ready, 4, 0) == 0);
    char buffer[8];
    CHECK(read(sv[1], buffer, 1) == 1);
    CHECK(epoll_wait(edge, ready, 4, 0) == 0);
    CHECK(write(sv[0], "c", 1) == 1);
    CHECK(epoll_wait(edge, ready, 4, 0) == 1);
    CHECK(read(sv[1], buffer, sizeof buffer) == 2);
    CHECK(epoll_wait(level, ready, 4, 0) == 0);
    /* A peer's close wakes a waiter blocked in epoll_wait. */
    CHECK(close(sv[0]) == 0);
    CHECK(epoll_wait(edge, ready, 4, 1000) == 1);
    CHECK(ready[0].events == (EPOLLIN | EPOLLRDHUP | EPOLLHUP));
    CHECK(close(sv[1]) == 0 && close(level) == 0 && close(edge) == 0);
}

/* Closing the last fd of a registered socket takes it out of the epoll set
   and closes it (the peer reads EOF); while a dup lives, it stays. */
static void check_epoll_close(void) {
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    int epoll = epoll_create1(0);
    struct epoll_event event = {EPOLLIN, {.fd = sv[0]}};
    CHECK(epoll_ctl(epoll, EPOLL_CTL_ADD, sv[0], &event) == 0);
    int copy = dup(sv[0]);
    CHECK(copy >= 0 && close(sv[0]) == 0);
    CHECK(write(sv[1], "x", 1) == 1);
    struct epoll_event ready[2];
    CHECK(epoll_wait(epoll, ready, 2, 0) == 1 && ready[0].data.fd == sv[0]);
    char byte;
    CHECK(read(copy, &byte, 1) == 1 && close(copy) == 0);
    CHECK(epoll_wait(epoll, ready, 2, 0) == 0);
    CHECK(read(sv[1], &byte, 1) == 0);
    CHECK(close(sv[1]) == 0 && close(epoll) == 0);
}

static void* receive_later(void* socket) {
    usleep(100000);
    char byte;
    CHECK(recv(*(int*)socket, &byte, 1, 0) == 1);
    return NULL;
}

/* A datagram sender polling for room in a full receiver wakes when the
   receiver takes a message. */
static void check_datagram_room(void) {
    int receiver = socket(AF_UNIX, SOCK_DGRAM, 0), sender = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    struct sockaddr_un address = {AF_UNIX};
    CHECK(bind(receiver, (struct sockaddr*)&address, sizeof(sa_family_t)) == 0);
    socklen_t length = sizeof address;
    CHECK(getsockname(receiver, (struct sockaddr*)&address, &length) == 0);
    CHECK(connect(sender, (struct sockaddr*)&address, length) == 0);
    while (send(sender, "d", 1, 0) == 1) {
    }
    CHECK(errno == EAGAIN && revents(sender, POLLOUT) == 0);
    pthread_t thread;
    CHECK(pthread_create(&thread, NULL, receive_later, &receiver) == 0);
    struct pollfd entry = {sender, POLLOUT, 0};
    CHECK(poll(&entry, 1, 5000) == 1 && entry.revents == POLLOUT);
    CHECK(pthread_join(thread, NULL) == 0);
    CHECK(send(sender, "d", 1, 0) == 1);
    CHECK(close(sender) == 0 && close(receiver) == 0);
}

static int signals_seen;
static void on_alarm(int signo) {
    (void)signo;
    ++signals_seen;
}

static void set_alarm_handler(int flags) {
    struct sigaction action = {0};
    action.sa_handler = on_alarm;
    action.sa_flags = flags;
    CHECK(sigaction(SIGALRM, &action, NULL) == 0);
}

static void alarm_in_ms(int ms) {
    struct itimerval timer = {{0, 0}, {0, ms * 1000}};
    CHECK(setitimer(ITIMER_REAL, &timer, NULL) == 0);
}

static void* write_later(void* socket) {
    usleep(300000);
    CHECK(write(*(int*)socket, "late", 4) == 4);
    return NULL;
}

static void check_interrupts(void) {
    int sv[2];
    char buffer[8];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    /* Without SA_RESTART: EINTR. */
    set_alarm_handler(0);
    signals_seen = 0;
    alarm_in_ms(50);
    CHECK(read(sv[0], buffer, sizeof buffer) == -1 && errno == EINTR && signals_seen == 1);
    int listener = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un address = {AF_UNIX};
    CHECK(bind(listener, (struct sockaddr*)&address, sizeof(sa_family_t)) == 0 && listen(listener, 1) == 0);
    alarm_in_ms(50);
    CHECK(accept(listener, NULL, NULL) == -1 && errno == EINTR && signals_seen == 2);
    CHECK(close(listener) == 0);
    /* With SA_RESTART: the read goes on and gets the data written later. */
    set_alarm_handler(SA_RESTART);
    pthread_t writer;
    CHECK(pthread_create(&writer, NULL, write_later, &sv[1]) == 0);
    alarm_in_ms(50);
    CHECK(recv(sv[0], buffer, sizeof buffer, 0) == 4 && memcmp(buffer, "late", 4) == 0 && signals_seen == 3);
    CHECK(pthread_join(writer, NULL) == 0);
    /* With SO_RCVTIMEO, a signal is EINTR even under SA_RESTART. */
    struct timeval timeout = {5, 0};
    CHECK(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout) == 0);
    alarm_in_ms(50);
    CHECK(read(sv[0], buffer, sizeof buffer) == -1 && errno == EINTR && signals_seen == 4);
    CHECK(close(sv[0]) == 0 && close(sv[1]) == 0);
}

static volatile sig_atomic_t io_signals;
static void on_io(int signo) {
    (void)signo;
    ++io_signals;
}

/* O_ASYNC: SIGIO to the owner when data comes and when the peer hangs up. */
static void check_sigio(void) {
    signal(SIGIO, on_io);
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    CHECK(fcntl(sv[0], F_SETOWN, getpid()) == 0);
    CHECK(fcntl(sv[0], F_SETFL, O_ASYNC | O_NONBLOCK) == 0);
    CHECK(io_signals == 0);
    CHECK(write(sv[1], "x", 1) == 1);
    for (int i = 0; i < 1000 && io_signals == 0; ++i) usleep(1000);
    CHECK(io_signals >= 1);
    int before = io_signals;
    CHECK(close(sv[1]) == 0);
    for (int i = 0; i < 1000 && io_signals == before; ++i) usleep(1000);
    CHECK(io_signals > before);
    CHECK(close(sv[0]) == 0);
}

int main(void) {
    check_poll();
    check_epoll();
    check_epoll_close();
    check_datagram_room();
    check_interrupts();
    check_sigio();
    printf("unix_poll ok\n");
    return 0;
}
