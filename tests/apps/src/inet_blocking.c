/* Blocking send, accept and connect on TCP sockets that must wait: a
   send into a full buffer completes once the reader drains it, or stops
   at SO_SNDTIMEO with a partial count and then EAGAIN; a signal ends a
   blocked send (EINTR, or the part sent) and a blocked connect
   (EINTR), SA_RESTART restarts a blocked accept; a connect into a full
   backlog gives EINPROGRESS at SO_SNDTIMEO, as Linux. With an argument N
   it only makes N accepts and N sends that wait, for host_calls.sh. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static int listen_any(struct sockaddr_in* out, int backlog) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(fd >= 0);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    CHECK(bind(fd, (struct sockaddr*)&address, sizeof address) == 0);
    CHECK(listen(fd, backlog) == 0);
    socklen_t length = sizeof *out;
    CHECK(getsockname(fd, (struct sockaddr*)out, &length) == 0);
    return fd;
}

static int connect_to(const struct sockaddr_in* address) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(fd >= 0);
    CHECK(connect(fd, (const struct sockaddr*)address, sizeof *address) == 0);
    return fd;
}


static void sleep_ms(int ms) {
    struct timespec pause = {0, ms * 1000000L};
    nanosleep(&pause, NULL);
}

static void on_signal(int signo) { (void)signo; }

static void handle_alarm(int flags) {
    struct sigaction action = {0};
    action.sa_handler = on_signal;
    action.sa_flags = flags;
    CHECK(sigaction(SIGALRM, &action, NULL) == 0);
}

static void alarm_in_ms(int ms) {
    struct itimerval timer = {{0, 0}, {0, ms * 1000}};
    CHECK(setitimer(ITIMER_REAL, &timer, NULL) == 0);
}

enum { kBulk = 32 << 20 };

struct reader {
    int fd;
    long total;
    unsigned sum;
};

/* Reads to the end in small pieces, slowly at first, so the sender waits. */
static void* read_slowly(void* arg) {
    struct reader* reader = arg;
    char buffer[4096];
    sleep_ms(20);
    for (;;) {
        ssize_t n = read(reader->fd, buffer, sizeof buffer);
        CHECK(n >= 0);
        if (n == 0) break;
        for (ssize_t i = 0; i < n; ++i) reader->sum += (unsigned char)buffer[i];
        reader->total += n;
    }
    return NULL;
}

/* One blocking send of 32 MiB, more than the buffers hold, completes whole. */
static void check_send_completes(int listener, const struct sockaddr_in* address) {
    int client = connect_to(address);
    struct reader reader = {accept(listener, NULL, NULL), 0, 0};
    CHECK(reader.fd >= 0);
    char* data = malloc(kBulk);
    CHECK(data != NULL);
    unsigned sum = 0;
    for (int i = 0; i < kBulk; ++i) sum += (unsigned char)(data[i] = (char)(i * 7 + 3));
    pthread_t thread;
    CHECK(pthread_create(&thread, NULL, read_slowly, &reader) == 0);
    CHECK(send(client, data, kBulk, 0) == kBulk);
    CHECK(close(client) == 0);
    CHECK(pthread_join(thread, NULL) == 0);
    CHECK(reader.total == kBulk && reader.sum == sum);
    CHECK(close(reader.fd) == 0);
    free(data);
}

/* Nobody reads: SO_SNDTIMEO ends the send with what it sent, the next with
   EAGAIN; a signal ends a blocked send with EINTR (nothing sent) even under
   SA_RESTART once some was sent; MSG_DONTWAIT never waits. */
static void check_send_stops(int listener, const struct sockaddr_in* address) {
    int client = connect_to(address);
    int server = accept(listener, NULL, NULL);
    CHECK(server >= 0);
    char* data = calloc(1, kBulk);
    CHECK(data != NULL);
    struct timeval timeout = {0, 100000};
    CHECK(setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout) == 0);
    ssize_t sent = send(client, data, kBulk, 0);
    CHECK(sent > 0 && sent < kBulk);
    /* The buffers may still grow a little: each send is partial until one
       finds no room at all before its timeout. */
    int tries = 0;
    while ((sent = send(client, data, kBulk, 0)) > 0) CHECK(sent < kBulk && ++tries < 20);
    CHECK(sent == -1 && errno == EAGAIN);
    CHECK(send(client, data, kBulk, MSG_DONTWAIT) == -1 && errno == EAGAIN);
    /* No timeout now: only the signal ends the wait. */
    timeout.tv_usec = 0;
    CHECK(setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout) == 0);
    handle_alarm(0);
    alarm_in_ms(50);
    CHECK(send(client, data, kBulk, 0) == -1 && errno == EINTR);
    CHECK(close(client) == 0);
    CHECK(close(server) == 0);
    free(data);
}

static void* read_some(void* arg) {
    struct reader* reader = arg;
    char buffer[4096];
    while (reader->total < 256 * 1024) {
        ssize_t n = read(reader->fd, buffer, sizeof buffer);
        CHECK(n > 0);
        reader->total += n;
    }
    return NULL;
}

/* A signal after part was sent ends the send with that part, even under
   SA_RESTART (nothing is restarted once data moved). */
static void check_send_interrupted_after_some(int listener, const struct sockaddr_in* address) {
    int client = connect_to(address);
    struct reader reader = {accept(listener, NULL, NULL), 0, 0};
    CHECK(reader.fd >= 0);
    char* data = calloc(1, kBulk);
    CHECK(data != NULL);
    pthread_t thread;
    CHECK(pthread_create(&thread, NULL, read_some, &reader) == 0);
    handle_alarm(SA_RESTART);
    alarm_in_ms(300);
    ssize_t sent = send(client, data, kBulk, 0);
    CHECK(sent >= 256 * 1024 && sent < kBulk);
    CHECK(pthread_join(thread, NULL) == 0);
    CHECK(close(client) == 0);
    CHECK(close(reader.fd) == 0);
    free(data);
}

static void* connect_later(void* arg) {
    sleep_ms(100);
    close(connect_to(arg));
    return NULL;
}

/* A blocked accept is restarted under SA_RESTART, and gets the connection
   that comes after the signal. */
static void check_accept_restarts(int listener, const struct sockaddr_in* address) {
    handle_alarm(SA_RESTART);
    alarm_in_ms(30);
    pthread_t thread;
    CHECK(pthread_create(&thread, NULL, connect_later, (void*)address) == 0);
    int accepted = accept(listener, NULL, NULL);
    CHECK(accepted >= 0);
    CHECK(close(accepted) == 0);
    CHECK(pthread_join(thread, NULL) == 0);
}

/* A full backlog makes the host drop the SYN, so connect waits: until
   SO_SNDTIMEO (EINPROGRESS, as Linux's __inet_stream_connect) or a signal. */
static void check_connect_waits(void) {
    struct sockaddr_in address;
    int listener = listen_any(&address, 0);
    int queued[2];
    for (int i = 0; i < 2; ++i) {
        queued[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        CHECK(queued[i] >= 0);
        int r = connect(queued[i], (struct sockaddr*)&address, sizeof address);
        CHECK(r == 0 || errno == EINPROGRESS);
    }
    sleep_ms(20);
    int client = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(client >= 0);
    struct timeval timeout = {0, 100000};
    CHECK(setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout) == 0);
    int r = connect(client, (struct sockaddr*)&address, sizeof address);
    CHECK(r == -1 && errno == EINPROGRESS);
    CHECK(close(client) == 0);
    client = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(client >= 0);
    handle_alarm(0);
    alarm_in_ms(50);
    r = connect(client, (struct sockaddr*)&address, sizeof address);
    CHECK(r == -1 && errno == EINTR);
    CHECK(close(client) == 0);
    for (int i = 0; i < 2; ++i) CHECK(close(queued[i]) == 0);
    CHECK(close(listener) == 0);
}

static void* connect_and_send(void* arg) {
    const struct sockaddr_in* address = arg;
    sleep_ms(2);
    int fd = connect_to(address);
    char byte = 'x';
    CHECK(send(fd, &byte, 1, 0) == 1);
    CHECK(close(fd) == 0);
    return NULL;
}

/* N accepts that wait, each then a blocking read that waits. */
static void wait_n_times(int listener, const struct sockaddr_in* address, int n) {
    for (int i = 0; i < n; ++i) {
        pthread_t thread;
        CHECK(pthread_create(&thread, NULL, connect_and_send, (void*)address) == 0);
        int accepted = accept(listener, NULL, NULL);
        CHECK(accepted >= 0);
        char byte;
        CHECK(recv(accepted, &byte, 1, MSG_WAITALL) == 1 && byte == 'x');
        CHECK(close(accepted) == 0);
        CHECK(pthread_join(thread, NULL) == 0);
    }
}

int main(int argc, char** argv) {
    signal(SIGPIPE, SIG_IGN);
    struct sockaddr_in address;
    int listener = listen_any(&address, 16);
    if (argc > 1) {
        wait_n_times(listener, &address, atoi(argv[1]));
        for (int i = 0; i < 4; ++i) check_send_completes(listener, &address);
        puts("inet_blocking ok");
        return 0;
    }
    check_send_completes(listener, &address);
    check_send_stops(listener, &address);
    check_send_interrupted_after_some(listener, &address);
    check_accept_restarts(listener, &address);
    check_connect_waits();
    CHECK(close(listener) == 0);
    puts("inet_blocking ok");
    return 0;
}
