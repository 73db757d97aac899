/* poll, select and epoll_wait with a timeout over a TCP socket that is
   readable already: each returns it at once. Run under strace by
   tests/apps/host_calls.sh, which checks that a wait that need not sleep
   reads no clock from the host (one host call each on SGX). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"

int main(int argc, char** argv) {
    int rounds = argc > 1 ? atoi(argv[1]) : 1000;
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = {.sin_family = AF_INET};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    CHECK(bind(listener, (struct sockaddr*)&address, sizeof address) == 0 && listen(listener, 1) == 0);
    CHECK(getsockname(listener, (struct sockaddr*)&address, &length) == 0);
    int client = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(connect(client, (struct sockaddr*)&address, sizeof address) == 0);
    int server = accept(listener, NULL, NULL);
    CHECK(server >= 0 && write(client, "x", 1) == 1);

    int epoll = epoll_create1(0);
    struct epoll_event event = {.events = EPOLLIN, .data.fd = server};
    CHECK(epoll >= 0 && epoll_ctl(epoll, EPOLL_CTL_ADD, server, &event) == 0);
    for (int i = 0; i < rounds; ++i) {
        struct pollfd entry = {.fd = server, .events = POLLIN};
        CHECK(poll(&entry, 1, 5000) == 1 && entry.revents == POLLIN);
        fd_set readable;
        FD_ZERO(&readable);
        FD_SET(server, &readable);
        struct timeval timeout = {.tv_sec = 5};
        CHECK(select(server + 1, &readable, NULL, NULL, &timeout) == 1 && FD_ISSET(server, &readable));
        struct epoll_event out;
        CHECK(epoll_wait(epoll, &out, 1, 5000) == 1 && out.data.fd == server);
    }
    printf("inet_ready_waits ok\n");
    return 0;
}
