/* TCP and UDP over loopback (AF_INET and AF_INET6): a 1 MiB echo between
   two threads, names, options, non-blocking connect with EINPROGRESS and
   SO_ERROR, ECONNREFUSED, EADDRINUSE, EPIPE with and without SIGPIPE,
   MSG_PEEK/MSG_WAITALL/MSG_DONTWAIT, SO_RCVTIMEO, UDP datagrams with
   sendmsg/recvmsg and sendmmsg/recvmmsg, readv/writev, FIONREAD, and a
   blocked accept cut short by a signal. Passes natively too. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/uio.h>

#include "check.h"

#define ECHO_BYTES (1 << 20)

static struct sockaddr_in loopback(unsigned short port) {
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(port)};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}

/* A listener on 127.0.0.1 at a port the host picks; its address in *out. */
static int listen_any(struct sockaddr_in* out) {
    int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    CHECK(listener >= 0);
    int one = 1;
    CHECK(setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0);
    struct sockaddr_in address = loopback(0);
    CHECK(bind(listener, (struct sockaddr*)&address, sizeof address) == 0);
    CHECK(listen(listener, 8) == 0);
    socklen_t length = sizeof *out;
    CHECK(getsockname(listener, (struct sockaddr*)out, &length) == 0);
    CHECK(length == sizeof *out && out->sin_port != 0 && out->sin_addr.s_addr == htonl(INADDR_LOOPBACK));
    return listener;
}

static void* echo_server(void* arg) {
    int listener = *(int*)arg;
    struct sockaddr_in peer;
    socklen_t length = sizeof peer;
    int connection = accept4(listener, (struct sockaddr*)&peer, &length, SOCK_CLOEXEC);
    CHECK(connection >= 0 && length == sizeof peer && peer.sin_family == AF_INET);
    static char buffer[65536];
    ssize_t n;
    while ((n = read(connection, buffer, sizeof buffer)) > 0) {
        ssize_t done = 0;
        while (done < n) {
            ssize_t w = write(connection, buffer + done, n - done);
            CHECK(w > 0);
            done += w;
        }
    }
    CHECK(n == 0);
    CHECK(close(connection) == 0);
    return NULL;
}

static void* echo_writer(void* arg) {
    int fd = *(int*)arg;
    static unsigned char data[ECHO_BYTES];
    for (int i = 0; i < ECHO_BYTES; ++i) data[i] = (unsigned char)(i * 7 + i / 4096);
    CHECK(send(fd, data, sizeof data, 0) == (ssize_t)sizeof data);
    CHECK(shutdown(fd, SHUT_WR) == 0);
    return NULL;
}

static void check_echo(void) {
    struct sockaddr_in address;
    int listener = listen_any(&address);
    pthread_t server, writer;
    CHECK(pthread_create(&server, NULL, echo_server, &listener) == 0);
    int client = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(client >= 0);
    CHECK(connect(client, (struct sockaddr*)&address, sizeof address) == 0);
    struct sockaddr_in peer;
    socklen_t length = sizeof peer;
    CHECK(getpeername(client, (struct sockaddr*)&peer, &length) == 0 && peer.sin_port == address.sin_port);
    int nodelay = 1;
    CHECK(setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &nodelay, sizeof nodelay) == 0);
    int got = 0;
    length = sizeof got;
    CHECK(getsockopt(client, IPPROTO_TCP, TCP_NODELAY, &got, &length) == 0 && got == 1);
    CHECK(getsockopt(client, SOL_SOCKET, SO_TYPE, &got, &length) == 0 && got == SOCK_STREAM);
    struct stat facts;
    CHECK(fstat(client, &facts) == 0 && S_ISSOCK(facts.st_mode));
    char link[64], target[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", client);
    ssize_t n = readlink(link, target, sizeof target - 1);
    CHECK(n > 0);
    target[n] = 0;
    CHECK(strncmp(target, "socket:[", 8) == 0);
    CHECK(pthread_create(&writer, NULL, echo_writer, &client) == 0);
    static unsigned char back[ECHO_BYTES];
    size_t total = 0;
    while (total < sizeof back) {
        ssize_t r = recv(client, back + total, sizeof back - total, 0);
        CHECK(r > 0);
        total += (size_t)r;
    }
    CHECK(recv(client, back, 1, 0) == 0);
    for (int i = 0; i < ECHO_BYTES; ++i) CHECK(back[i] == (unsigned char)(i * 7 + i / 4096));
    CHECK(pthread_join(writer, NULL) == 0 && pthread_join(server, NULL) == 0);
    CHECK(close(client) == 0 && close(listener) == 0);
}

static void check_errors(void) {
    struct sockaddr_in address;
    int listener = listen_any(&address);
    /* The same address again: EADDRINUSE. */
    int second = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(bind(second, (struct sockaddr*)&address, sizeof address) == -1 && errno == EADDRINUSE);
    CHECK(bind(second, (struct sockaddr*)&address, 3) == -1 && errno == EINVAL);
    CHECK(close(second) == 0);
    /* Nobody listens on the port once the listener is gone. */
    CHECK(close(listener) == 0);
    int client = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(connect(client, (struct sockaddr*)&address, sizeof address) == -1 && errno == ECONNREFUSED);
    CHECK(close(client) == 0);
    /* Non-blocking connect: EINPROGRESS, then writable with SO_ERROR 0. */
    listener = listen_any(&address);
    client = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int r = connect(client, (struct sockaddr*)&address, sizeof address);
    CHECK(r == 0 || errno == EINPROGRESS);
    struct pollfd entry = {client, POLLOUT, 0};
    CHECK(poll(&entry, 1, 5000) == 1 && (entry.revents & POLLOUT));
    int error = -1;
    socklen_t length = sizeof error;
    CHECK(getsockopt(client, SOL_SOCKET, SO_ERROR, &error, &length) == 0 && error == 0);
    int server = accept(listener, NULL, NULL);
    CHECK(server >= 0);
    /* Nothing to read: EAGAIN on the non-blocking end, and with MSG_DONTWAIT. */
    char byte;
    CHECK(recv(client, &byte, 1, 0) == -1 && errno == EAGAIN);
    CHECK(recv(server, &byte, 1, MSG_DONTWAIT) == -1 && errno == EAGAIN);
    /* SO_RCVTIMEO: a blocking receive gives up with EAGAIN. */
    struct timeval timeout = {0, 50000};
    CHECK(setsockopt(server, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout) == 0);
    CHECK(recv(server, &byte, 1, 0) == -1 && (errno == EAGAIN || errno == EWOULDBLOCK));
    /* MSG_PEEK leaves the bytes; MSG_WAITALL waits for all of them; FIONREAD counts them. */
    CHECK(send(client, "abcdef", 6, 0) == 6);
    char text[8] = {0};
    struct pollfd ready = {server, POLLIN, 0};
    CHECK(poll(&ready, 1, 5000) == 1);
    int queued = 0;
    CHECK(ioctl(server, FIONREAD, &queued) == 0 && queued == 6);
    CHECK(recv(server, text, 3, MSG_PEEK) == 3 && memcmp(text, "abc", 3) == 0);
    CHECK(recv(server, text, 6, MSG_WAITALL) == 6 && memcmp(text, "abcdef", 6) == 0);
    /* writev and readv: the segments as one stream of bytes. */
    struct iovec out[2] = {{"12", 2}, {"345", 3}};
    CHECK(writev(client, out, 2) == 5);
    char first[1], rest[4];
    struct iovec in[2] = {{first, 1}, {rest, 4}};
    CHECK(poll(&ready, 1, 5000) == 1);
    CHECK(readv(server, in, 2) == 5 && first[0] == '1' && memcmp(rest, "2345", 4) == 0);
    /* sendfile from a file into the socket. */
    FILE* file = tmpfile();
    CHECK(file && fputs("from a file", file) >= 0 && fflush(file) == 0);
    off_t offset = 5;
    CHECK(sendfile(client, fileno(file), &offset, 6) == 6 && offset == 11);
    CHECK(poll(&ready, 1, 5000) == 1);
    CHECK(recv(server, text, 6, MSG_WAITALL) == 6 && memcmp(text, "a file", 6) == 0);
    fclose(file);
    /* The peer gone: EPIPE, with SIGPIPE unless MSG_NOSIGNAL. */
    CHECK(close(server) == 0);
    signal(SIGPIPE, SIG_IGN);
    int saw_epipe = 0;
    for (int i = 0; i < 100 && !saw_epipe; ++i) {
        if (send(client, "x", 1, MSG_NOSIGNAL) == -1) {
            CHECK(errno == EPIPE || errno == ECONNRESET);
            saw_epipe = errno == EPIPE;
        }
        usleep(1000);
    }
    CHECK(saw_epipe);
    sigset_t pipe_set, old;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    signal(SIGPIPE, SIG_DFL);
    CHECK(sigprocmask(SIG_BLOCK, &pipe_set, &old) == 0);
    CHECK(send(client, "x", 1, 0) == -1 && errno == EPIPE);
    sigset_t pending;
    CHECK(sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE));
    int signo = 0;
    CHECK(sigwait(&pipe_set, &signo) == 0 && signo == SIGPIPE);
    CHECK(sigprocmask(SIG_SETMASK, &old, NULL) == 0);
    CHECK(close(client) == 0 && close(listener) == 0);
}

static void check_udp(int family) {
    int a = socket(family, SOCK_DGRAM, 0), b = socket(family, SOCK_DGRAM, 0);
    CHECK(a >= 0 && b >= 0);
    struct sockaddr_storage address = {0};
    socklen_t length;
    if (family == AF_INET) {
        *(struct sockaddr_in*)&address = loopback(0);
        length = sizeof(struct sockaddr_in);
    } else {
        struct sockaddr_in6* six = (struct sockaddr_in6*)&address;
        six->sin6_family = AF_INET6;
        six->sin6_addr = in6addr_loopback;
        length = sizeof(struct sockaddr_in6);
    }
    CHECK(bind(b, (struct sockaddr*)&address, length) == 0);
    CHECK(getsockname(b, (struct sockaddr*)&address, &length) == 0);
    CHECK(sendto(a, "one", 3, 0, (struct sockaddr*)&address, length) == 3);
    char buffer[16];
    struct sockaddr_storage from;
    socklen_t from_length = sizeof from;
    CHECK(recvfrom(b, buffer, sizeof buffer, 0, (struct sockaddr*)&from, &from_length) == 3);
    CHECK(memcmp(buffer, "one", 3) == 0 && from_length == length && from.ss_family == family);
    /* A datagram larger than the buffer: cut, MSG_TRUNC in msg_flags. */
    CHECK(sendto(a, "0123456789", 10, 0, (struct sockaddr*)&address, length) == 10);
    struct iovec segment = {buffer, 4};
    struct msghdr message = {.msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &segment, .msg_iovlen = 1};
    CHECK(recvmsg(b, &message, 0) == 4 && (message.msg_flags & MSG_TRUNC) && memcmp(buffer, "0123", 4) == 0);
    CHECK(message.msg_namelen == length);
    /* sendmmsg and recvmmsg: three datagrams each way in one call. */
    CHECK(connect(a, (struct sockaddr*)&address, length) == 0);
    struct mmsghdr out[3];
    struct iovec out_segments[3] = {{"x", 1}, {"yy", 2}, {"zzz", 3}};
    memset(out, 0, sizeof out);
    for (int i = 0; i < 3; ++i) {
        out[i].msg_hdr.msg_iov = &out_segments[i];
        out[i].msg_hdr.msg_iovlen = 1;
    }
    CHECK(sendmmsg(a, out, 3, 0) == 3 && out[2].msg_len == 3);
    char slots[3][8];
    struct iovec in_segments[3] = {{slots[0], 8}, {slots[1], 8}, {slots[2], 8}};
    struct mmsghdr in[3];
    memset(in, 0, sizeof in);
    for (int i = 0; i < 3; ++i) {
        in[i].msg_hdr.msg_iov = &in_segments[i];
        in[i].msg_hdr.msg_iovlen = 1;
    }
    struct pollfd ready = {b, POLLIN, 0};
    CHECK(poll(&ready, 1, 5000) == 1);
    int count = 0;
    for (int tries = 0; count < 3 && tries < 100; ++tries) {
        int got = recvmmsg(b, in + count, 3 - count, MSG_DONTWAIT, NULL);
        if (got > 0) count += got;
        else usleep(1000);
    }
    CHECK(count == 3 && in[0].msg_len == 1 && in[1].msg_len == 2 && in[2].msg_len == 3);
    CHECK(memcmp(slots[2], "zzz", 3) == 0);
    CHECK(close(a) == 0 && close(b) == 0);
}

/* The interfaces: by name and index (glibc asks an AF_UNIX socket), by
   SIOCGIFCONF and SIOCGIFFLAGS, and by getifaddrs (netlink). */
static void check_interfaces(void) {
    unsigned index = if_nametoindex("lo");
    CHECK(index > 0);
    char name[IF_NAMESIZE];
    CHECK(if_indextoname(index, name) && strcmp(name, "lo") == 0);
    CHECK(if_nametoindex("no-such-interface") == 0);
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct ifreq request = {0};
    strcpy(request.ifr_name, "lo");
    CHECK(ioctl(fd, SIOCGIFFLAGS, &request) == 0 && (request.ifr_flags & IFF_LOOPBACK));
    struct ifreq entries[32];
    struct ifconf list = {.ifc_len = sizeof entries, .ifc_req = entries};
    CHECK(ioctl(fd, SIOCGIFCONF, &list) == 0 && list.ifc_len > 0);
    int found = 0;
    for (int i = 0; i < list.ifc_len / (int)sizeof(struct ifreq); ++i) found |= strcmp(entries[i].ifr_name, "lo") == 0;
    CHECK(found);
    CHECK(close(fd) == 0);
    struct ifaddrs* all;
    CHECK(getifaddrs(&all) == 0);
    found = 0;
    for (struct ifaddrs* at = all; at; at = at->ifa_next)
        if (strcmp(at->ifa_name, "lo") == 0 && at->ifa_addr && at->ifa_addr->sa_family == AF_INET)
            found = ((struct sockaddr_in*)at->ifa_addr)->sin_addr.s_addr == htonl(INADDR_LOOPBACK);
    CHECK(found);
    freeifaddrs(all);
}

static void on_alarm(int signo) { (void)signo; }

/* A blocked accept is cut short by a handler without SA_RESTART. */
static void check_interrupted_accept(void) {
    struct sockaddr_in address;
    int listener = listen_any(&address);
    struct sigaction action = {0};
    action.sa_handler = on_alarm;
    CHECK(sigaction(SIGALRM, &action, NULL) == 0);
    struct itimerval timer = {{0, 0}, {0, 50000}};
    CHECK(setitimer(ITIMER_REAL, &timer, NULL) == 0);
    CHECK(accept(listener, NULL, NULL) == -1 && errno == EINTR);
    CHECK(close(listener) == 0);
}

int main(void) {
    check_echo();
    check_errors();
    check_udp(AF_INET);
    check_udp(AF_INET6);
    check_interrupted_accept();
    check_interfaces();
    CHECK(socket(AF_INET, SOCK_STREAM | 0x1000000, 0) == -1 && errno == EINVAL);
    CHECK(socketpair(AF_INET, SOCK_STREAM, 0, (int[2]){0}) == -1 && errno == EOPNOTSUPP);
    /* DECnet left Linux in 6.1: a family nobody serves. */
    int decnet = socket(12, SOCK_SEQPACKET, 0);
    CHECK(decnet >= 0 || errno == EAFNOSUPPORT);
    puts("inet_tcp ok");
    return 0;
}
