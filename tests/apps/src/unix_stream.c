/* AF_UNIX stream sockets: socket()/socketpair() checks, bind with a path,
   an abstract name and autobind, listen/accept/connect (in this process
   and from another one), the exact address lengths, data with
   read/write/send/recv flags, shutdown, EPIPE and SIGPIPE, options,
   ioctls, fstat and /proc/self/fd. Passes natively too. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/un.h>

#include "run_self.h"
#include "unix_sockets.h"

#ifndef SIOCINQ
#define SIOCINQ FIONREAD
#endif
#ifndef SIOCOUTQ
#define SIOCOUTQ TIOCOUTQ
#endif

static void check_creation(void) {
    int sv[2];
    CHECK(socket(AF_INET6, SOCK_STREAM, 0) >= 0 || errno == EAFNOSUPPORT);
    errno = 0;
    CHECK(socket(12345, SOCK_STREAM, 0) == -1 && errno == EAFNOSUPPORT);
    CHECK(socket(AF_UNIX, 99, 0) == -1 && errno == EINVAL);
    CHECK(socket(AF_UNIX, SOCK_STREAM | 0x1000, 0) == -1 && errno == EINVAL);
    CHECK(socket(AF_UNIX, SOCK_RDM, 0) == -1 && errno == ESOCKTNOSUPPORT);
    CHECK(socket(AF_UNIX, SOCK_STREAM, 2) == -1 && errno == EPROTONOSUPPORT);
    CHECK(socketpair(AF_INET, SOCK_STREAM, 0, sv) == -1 && (errno == EOPNOTSUPP || errno == EAFNOSUPPORT));
    /* SOCK_RAW is a datagram socket; protocol 1 is PF_UNIX. */
    int raw = socket(AF_UNIX, SOCK_RAW, 1);
    CHECK(raw >= 0);
    int type;
    socklen_t length = sizeof type;
    CHECK(getsockopt(raw, SOL_SOCKET, SO_TYPE, &type, &length) == 0 && type == SOCK_DGRAM && length == 4);
    CHECK(close(raw) == 0);
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    CHECK(s >= 0);
    CHECK(fcntl(s, F_GETFL) == (O_RDWR | O_NONBLOCK));
    CHECK(fcntl(s, F_GETFD) == FD_CLOEXEC);
    struct stat st;
    CHECK(fstat(s, &st) == 0 && S_ISSOCK(st.st_mode) && (st.st_mode & 0777) == 0777);
    char link[64], target[64], expected[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", s);
    ssize_t n = readlink(link, target, sizeof target - 1);
    CHECK(n > 0);
    target[n] = '\0';
    snprintf(expected, sizeof expected, "socket:[%lu]", (unsigned long)st.st_ino);
    CHECK(strcmp(target, expected) == 0);
    /* Unbound: the name is the family alone; no peer. */
    struct sockaddr_un address;
    length = sizeof address;
    CHECK(getsockname(s, (struct sockaddr*)&address, &length) == 0 && length == sizeof(sa_family_t));
    CHECK(address.sun_family == AF_UNIX);
    length = sizeof address;
    CHECK(getpeername(s, (struct sockaddr*)&address, &length) == -1 && errno == ENOTCONN);
    char byte;
    CHECK(read(s, &byte, 1) == -1 && errno == EINVAL);
    CHECK(write(s, "x", 1) == -1 && errno == ENOTCONN);
    CHECK(listen(s, 1) == -1 && errno == EINVAL); /* unbound */
    CHECK(accept(s, NULL, NULL) == -1 && errno == EINVAL);
    CHECK(close(s) == 0);
    CHECK(bind(0 + 100, (struct sockaddr*)&address, 2) == -1 && errno == EBADF);
    int fd = open("/proc/self/cmdline", O_RDONLY);
    CHECK(bind(fd, (struct sockaddr*)&address, 2) == -1 && errno == ENOTSOCK);
    CHECK(close(fd) == 0);
}

static void check_pair(void) {
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    struct sockaddr_un address;
    socklen_t length = sizeof address;
    CHECK(getpeername(sv[0], (struct sockaddr*)&address, &length) == 0 && length == sizeof(sa_family_t));
    struct ucred credentials;
    length = sizeof credentials;
    CHECK(getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &credentials, &length) == 0 && length == sizeof credentials);
    CHECK(credentials.pid == getpid() && credentials.uid == geteuid() && credentials.gid == getegid());
    /* Byte stream: writes join, reads take across them. */
    CHECK(write(sv[0], "hello ", 6) == 6 && send(sv[0], "world", 5, 0) == 5);
    char buffer[64];
    CHECK(recv(sv[1], buffer, 3, MSG_PEEK) == 3 && memcmp(buffer, "hel", 3) == 0);
    int queued;
    CHECK(ioctl(sv[1], FIONREAD, &queued) == 0 && queued == 11);
    CHECK(ioctl(sv[0], SIOCOUTQ, &queued) == 0 && queued >= 11);
    CHECK(read(sv[1], buffer, sizeof buffer) == 11 && memcmp(buffer, "hello world", 11) == 0);
    CHECK(ioctl(sv[0], SIOCOUTQ, &queued) == 0 && queued == 0);
    CHECK(recv(sv[1], buffer, sizeof buffer, MSG_DONTWAIT) == -1 && errno == EAGAIN);
    /* readv/writev gather and scatter. */
    struct iovec out[2] = {{"abc", 3}, {"defg", 4}};
    CHECK(writev(sv[1], out, 2) == 7);
    char first[2], second[8];
    struct iovec in[2] = {{first, 2}, {second, sizeof second}};
    CHECK(readv(sv[0], in, 2) == 7 && memcmp(first, "ab", 2) == 0 && memcmp(second, "cdefg", 5) == 0);
    /* MSG_WAITALL waits for the whole buffer. */
    CHECK(write(sv[0], "12", 2) == 2 && write(sv[0], "34", 2) == 2);
    CHECK(recv(sv[1], buffer, 4, MSG_WAITALL) == 4 && memcmp(buffer, "1234", 4) == 0);
    /* A stream takes no address. */
    CHECK(sendto(sv[0], "x", 1, 0, (struct sockaddr*)&address, sizeof(sa_family_t)) == -1 && errno == EISCONN);
    /* shutdown: the peer reads EOF after the data; our writes are EPIPE. */
    CHECK(write(sv[0], "last", 4) == 4);
    CHECK(shutdown(sv[0], SHUT_WR) == 0);
    CHECK(read(sv[1], buffer, sizeof buffer) == 4 && read(sv[1], buffer, sizeof buffer) == 0);
    sigpipes = 0;
    CHECK(send(sv[0], "x", 1, MSG_NOSIGNAL) == -1 && errno == EPIPE && sigpipes == 0);
    CHECK(write(sv[0], "x", 1) == -1 && errno == EPIPE && sigpipes == 1);
    CHECK(shutdown(sv[0], 7) == -1 && errno == EINVAL);
    /* The other way still works until closed; then EPIPE and SIGPIPE there too. */
    CHECK(write(sv[1], "back", 4) == 4 && read(sv[0], buffer, sizeof buffer) == 4);
    CHECK(close(sv[0]) == 0);
    CHECK(write(sv[1], "x", 1) == -1 && errno == EPIPE && sigpipes == 2);
    CHECK(read(sv[1], buffer, sizeof buffer) == 0);
    CHECK(close(sv[1]) == 0);
    /* Unread data at close resets the peer: ECONNRESET once, then EOF. */
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    CHECK(write(sv[1], "unread", 6) == 6 && close(sv[0]) == 0);
    CHECK(read(sv[1], buffer, sizeof buffer) == -1 && errno == ECONNRESET);
    CHECK(read(sv[1], buffer, sizeof buffer) == 0);
    CHECK(close(sv[1]) == 0);
}

static void check_buffers_and_options(void) {
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) == 0);
    int value;
    socklen_t length = sizeof value;
    CHECK(getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &value, &length) == 0 && value > 0);
    value = 1000;
    CHECK(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &value, sizeof value) == 0);
    CHECK(getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &value, &length) == 0 && value == 4608);
    value = 65536;
    CHECK(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &value, sizeof value) == 0);
    CHECK(getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &value, &length) == 0 && value == 131072);
    /* A full buffer: a short write, then EAGAIN. */
    static char block[65536];
    long total = 0;
    ssize_t n;
    while ((n = write(sv[0], block, sizeof block)) > 0) total += n;
    CHECK(n == -1 && errno == EAGAIN && total > 0 && total <= 131072);
    int queued;
    CHECK(ioctl(sv[1], SIOCINQ, &queued) == 0 && queued == total);
    long drained = 0;
    while ((n = read(sv[1], block, sizeof block)) > 0) drained += n;
    CHECK(drained == total && errno == EAGAIN);
    /* Options kept and reported. */
    CHECK(getsockopt(sv[0], SOL_SOCKET, SO_DOMAIN, &value, &length) == 0 && value == AF_UNIX);
    CHECK(getsockopt(sv[0], SOL_SOCKET, SO_PROTOCOL, &value, &length) == 0 && value == 0);
    CHECK(getsockopt(sv[0], SOL_SOCKET, SO_ACCEPTCONN, &value, &length) == 0 && value == 0);
    CHECK(getsockopt(sv[0], SOL_SOCKET, SO_ERROR, &value, &length) == 0 && value == 0);
    value = 1;
    CHECK(setsockopt(sv[0], SOL_SOCKET, SO_REUSEADDR, &value, sizeof value) == 0);
    CHECK(getsockopt(sv[0], SOL_SOCKET, SO_REUSEADDR, &value, &length) == 0 && value == 1);
    CHECK(setsockopt(sv[0], SOL_SOCKET, SO_REUSEADDR, &value, 2) == -1 && errno == EINVAL);
    CHECK(setsockopt(sv[0], 6 /* SOL_TCP */, 1, &value, sizeof value) == -1 && errno == EOPNOTSUPP);
    struct linger linger = {1, 5};
    CHECK(setsockopt(sv[0], SOL_SOCKET, SO_LINGER, &linger, sizeof linger) == 0);
    length = sizeof linger;
    CHECK(getsockopt(sv[0], SOL_SOCKET, SO_LINGER, &linger, &length) == 0 && linger.l_onoff == 1 &&
          linger.l_linger == 5);
    /* A short buffer gets what fits. */
    short half = 7;
    length = sizeof half;
    CHECK(getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &half, &length) == 0 && length == 2 && half == SOCK_STREAM);
    /* SO_RCVTIMEO: a blocking read gives up with EAGAIN. */
    CHECK(fcntl(sv[1], F_SETFL, 0) == 0);
    struct timeval timeout = {0, 100000};
    CHECK(setsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout) == 0);
    struct timeval back;
    length = sizeof back;
    CHECK(getsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &back, &length) == 0 && back.tv_sec == 0 &&
          back.tv_usec == 100000);
    timeout.tv_usec = 1000000;
    CHECK(setsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout) == -1 && errno == EDOM);
    char byte;
    CHECK(read(sv[1], &byte, 1) == -1 && errno == EAGAIN);
    CHECK(close(sv[0]) == 0 && close(sv[1]) == 0);
}

/* The server role of the cross-process check: listens at `path`. */
static void serve(const char* path, int pid) {
    (void)pid;
    int server = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un address;
    socklen_t length = path_address(&address, path);
    CHECK(bind(server, (struct sockaddr*)&address, length) == 0);
    CHECK(listen(server, 4) == 0);
    int ready = open(path, O_RDONLY);
    CHECK(ready == -1 && errno == ENXIO); /* a socket file does not open */
    struct sockaddr_un peer;
    socklen_t peer_length = sizeof peer;
    int connection = accept(server, (struct sockaddr*)&peer, &peer_length);
    CHECK(connection >= 0 && peer_length == sizeof(sa_family_t));
    struct ucred credentials;
    socklen_t credentials_length = sizeof credentials;
    CHECK(getsockopt(connection, SOL_SOCKET, SO_PEERCRED, &credentials, &credentials_length) == 0);
    CHECK(credentials.pid == getppid());
    char buffer[32];
    CHECK(read(connection, buffer, sizeof buffer) == 5 && memcmp(buffer, "ping!", 5) == 0);
    CHECK(write(connection, "pong!", 5) == 5);
    CHECK(read(connection, buffer, sizeof buffer) == 0);
    CHECK(close(connection) == 0 && close(server) == 0);
}

static void check_listen_connect(char* self) {
    char path[64];
    snprintf(path, sizeof path, "/tmp/unix_stream.%d", (int)getpid());
    unlink(path);
    struct sockaddr_un address;
    socklen_t length = path_address(&address, path);
    int client = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(connect(client, (struct sockaddr*)&address, length) == -1 && errno == ENOENT);
    CHECK(connect(client, (struct sockaddr*)&address, sizeof(sa_family_t)) == -1 && errno == EINVAL);
    struct sockaddr_un folder;
    CHECK(connect(client, (struct sockaddr*)&folder, path_address(&folder, "/tmp")) == -1 && errno == ECONNREFUSED);

    int listener = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    CHECK(bind(listener, (struct sockaddr*)&address, length) == 0);
    struct stat st;
    CHECK(stat(path, &st) == 0 && S_ISSOCK(st.st_mode));
    /* The name exists: EADDRINUSE first; a new name for a bound socket: EINVAL, and no file is left. */
    CHECK(bind(listener, (struct sockaddr*)&address, length) == -1 && errno == EADDRINUSE);
    char second_path[80];
    snprintf(second_path, sizeof second_path, "%s.second", path);
    struct sockaddr_un second;
    CHECK(bind(listener, (struct sockaddr*)&second, path_address(&second, second_path)) == -1 && errno == EINVAL);
    CHECK(access(second_path, F_OK) == -1 && errno == ENOENT);
    int other = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(bind(other, (struct sockaddr*)&address, length) == -1 && errno == EADDRINUSE);
    /* Bound but not listening: refused; a datagram socket there is the wrong type. */
    CHECK(connect(client, (struct sockaddr*)&address, length) == -1 && errno == ECONNREFUSED);
    int datagram = socket(AF_UNIX, SOCK_DGRAM, 0);
    CHECK(connect(datagram, (struct sockaddr*)&address, length) == -1 && errno == EPROTOTYPE);
    CHECK(close(datagram) == 0);
    /* getsockname: the path and its NUL, exactly. */
    struct sockaddr_un name;
    socklen_t name_length = sizeof name;
    CHECK(getsockname(listener, (struct sockaddr*)&name, &name_length) == 0 && name_length == length);
    CHECK(strcmp(name.sun_path, path) == 0);
    name_length = 4; /* a short buffer: the full length comes back */
    CHECK(getsockname(listener, (struct sockaddr*)&name, &name_length) == 0 && name_length == length);

    CHECK(listen(listener, 1) == 0);
    int value;
    socklen_t value_length = sizeof value;
    CHECK(getsockopt(listener, SOL_SOCKET, SO_ACCEPTCONN, &value, &value_length) == 0 && value == 1);
    CHECK(accept(listener, NULL, NULL) == -1 && errno == EAGAIN);
    CHECK(read(listener, &value, 1) == -1 && errno == EINVAL);
    /* A backlog of 1 holds two connections; the third waits (EAGAIN when non-blocking). */
    int clients[3];
    for (int i = 0; i < 3; ++i) clients[i] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    CHECK(connect(clients[0], (struct sockaddr*)&address, length) == 0);
    CHECK(connect(clients[1], (struct sockaddr*)&address, length) == 0);
    CHECK(connect(clients[2], (struct sockaddr*)&address, length) == -1 && errno == EAGAIN);
    CHECK(write(clients[0], "early", 5) == 5); /* before accept */
    struct sockaddr_un peer;
    socklen_t peer_length = sizeof peer;
    int accepted = accept4(listener, (struct sockaddr*)&peer, &peer_length, SOCK_CLOEXEC);
    CHECK(accepted >= 0 && peer_length == sizeof(sa_family_t) && fcntl(accepted, F_GETFD) == FD_CLOEXEC);
    /* (musl's accept4 falls back to accept on EINVAL: ask the kernel itself.) */
    CHECK(syscall(SYS_accept4, listener, NULL, NULL, 0x1234) == -1 && errno == EINVAL);
    CHECK(connect(clients[0], (struct sockaddr*)&address, length) == -1 && errno == EISCONN);
    char buffer[16];
    CHECK(read(accepted, buffer, sizeof buffer) == 5 && memcmp(buffer, "early", 5) == 0);
    /* The accepted socket is named as the listener; the client has the path as its peer. */
    name_length = sizeof name;
    CHECK(getsockname(accepted, (struct sockaddr*)&name, &name_length) == 0 && name_length == length);
    name_length = sizeof name;
    CHECK(getpeername(clients[0], (struct sockaddr*)&name, &name_length) == 0 && name_length == length &&
          strcmp(name.sun_path, path) == 0);
    CHECK(close(accepted) == 0);
    /* Closing the listener resets connections never accepted. */
    CHECK(close(listener) == 0);
    CHECK(read(clients[1], buffer, sizeof buffer) == -1 && errno == ECONNRESET);
    for (int i = 0; i < 3; ++i) CHECK(close(clients[i]) == 0);
    /* The file stays, but nothing listens there any more. */
    CHECK(connect(client, (struct sockaddr*)&address, length) == -1 && errno == ECONNREFUSED);
    CHECK(unlink(path) == 0);
    CHECK(close(other) == 0);

    /* Another process listens; we connect (retrying until it does). */
    pid_t server = spawn_self(self, "serve");
    int connected = -1;
    for (int tries = 0; tries < 2000 && connected != 0; ++tries) {
        connected = connect(client, (struct sockaddr*)&address, length);
        if (connected != 0) {
            CHECK(errno == ENOENT || errno == ECONNREFUSED);
            usleep(1000);
        }
    }
    CHECK(connected == 0);
    CHECK(write(client, "ping!", 5) == 5);
    CHECK(read(client, buffer, sizeof buffer) == 5 && memcmp(buffer, "pong!", 5) == 0);
    CHECK(shutdown(client, SHUT_WR) == 0);
    reap(server);
    CHECK(read(client, buffer, sizeof buffer) == 0);
    CHECK(close(client) == 0);
    CHECK(unlink(path) == 0);
}

static void check_abstract_and_autobind(void) {
    struct sockaddr_un address = {AF_UNIX};
    char name[32];
    int name_size = snprintf(name, sizeof name, "cella-test-%d", (int)getpid());
    memcpy(address.sun_path + 1, name, (size_t)name_size);
    socklen_t length = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + name_size);
    int listener = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(bind(listener, (struct sockaddr*)&address, length) == 0 && listen(listener, 5) == 0);
    int taken = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(bind(taken, (struct sockaddr*)&address, length) == -1 && errno == EADDRINUSE);
    /* The name is all its bytes: one byte more is another name. */
    int client = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(connect(client, (struct sockaddr*)&address, length + 1) == -1 && errno == ECONNREFUSED);
    CHECK(connect(client, (struct sockaddr*)&address, length) == 0);
    struct sockaddr_un got;
    socklen_t got_length = sizeof got;
    CHECK(getpeername(client, (struct sockaddr*)&got, &got_length) == 0 && got_length == length);
    CHECK(got.sun_path[0] == '\0' && memcmp(got.sun_path + 1, name, (size_t)name_size) == 0);
    /* Autobind: a NUL and five hex digits; binding again changes nothing. */
    CHECK(bind(taken, (struct sockaddr*)&address, sizeof(sa_family_t)) == 0);
    got_length = sizeof got;
    CHECK(getsockname(taken, (struct sockaddr*)&got, &got_length) == 0 && got_length == 8);
    CHECK(got.sun_path[0] == '\0');
    for (int i = 1; i < 6; ++i) CHECK(strchr("0123456789abcdef", got.sun_path[i]) != NULL);
    CHECK(bind(taken, (struct sockaddr*)&address, sizeof(sa_family_t)) == 0);
    int accepted = accept(listener, NULL, NULL);
    CHECK(accepted >= 0);
    CHECK(close(accepted) == 0 && close(client) == 0 && close(taken) == 0 && close(listener) == 0);
    /* Closed: the name is free again. */
    listener = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(bind(listener, (struct sockaddr*)&address, length) == 0);
    CHECK(close(listener) == 0);
}

/* Bulk data between processes: the child writes kBulk bytes to fd 3 in
   odd-sized pieces, the parent reads them in others and checks each byte. */
enum { kBulk = 8 << 20 };

static void write_bulk(void) {
    static unsigned char piece[7001];
    long sent = 0;
    while (sent < kBulk) {
        size_t n = sizeof piece;
        if (n > (size_t)(kBulk - sent)) n = (size_t)(kBulk - sent);
        for (size_t i = 0; i < n; ++i) piece[i] = (unsigned char)((sent + (long)i) * 7);
        ssize_t written = write(3, piece, n);
        CHECK(written > 0);
        sent += written;
    }
    CHECK(close(3) == 0);
}

static void check_bulk(char* self) {
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    posix_spawn_file_actions_t actions;
    CHECK(posix_spawn_file_actions_init(&actions) == 0);
    CHECK(posix_spawn_file_actions_addclose(&actions, sv[0]) == 0);
    CHECK(posix_spawn_file_actions_adddup2(&actions, sv[1], 3) == 0);
    char* child_argv[] = {self, "bulk", NULL};
    pid_t child;
    CHECK(posix_spawn(&child, "/proc/self/exe", &actions, NULL, child_argv, environ) == 0);
    CHECK(close(sv[1]) == 0);
    static unsigned char buffer[5003];
    long received = 0;
    ssize_t n;
    while ((n = read(sv[0], buffer, sizeof buffer)) > 0) {
        for (ssize_t i = 0; i < n; ++i) CHECK(buffer[i] == (unsigned char)((received + i) * 7));
        received += n;
    }
    CHECK(n == 0 && received == kBulk);
    reap(child);
    CHECK(close(sv[0]) == 0);
}

int main(int argc, char** argv) {
    signal(SIGPIPE, on_sigpipe);
    if (argc > 1 && strcmp(argv[1], "bulk") == 0) {
        write_bulk();
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "serve") == 0) {
        char path[64];
        snprintf(path, sizeof path, "/tmp/unix_stream.%d", test_pid(argc, argv));
        serve(path, test_pid(argc, argv));
        return 0;
    }
    check_creation();
    check_pair();
    check_buffers_and_options();
    check_listen_connect(argv[0]);
    check_abstract_and_autobind();
    check_bulk(argv[0]);
    printf("unix_stream ok\n");
    return 0;
}
