/* AF_UNIX datagram and seqpacket sockets: message boundaries, MSG_TRUNC,
   MSG_PEEK, sendto/recvfrom with names, connect and AF_UNSPEC, EMSGSIZE,
   a full receiver (EAGAIN), a closed peer (ECONNREFUSED, then ENOTCONN),
   seqpacket EOF and EPIPE without SIGPIPE, and datagrams from another
   process. Passes natively too. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>

#include "run_self.h"
#include "unix_sockets.h"

static void check_pair(int type) {
    int sv[2];
    CHECK(socketpair(AF_UNIX, type, 0, sv) == 0);
    CHECK(send(sv[0], "first", 5, 0) == 5 && send(sv[0], "second!", 7, 0) == 7);
    CHECK(send(sv[0], "", 0, 0) == 0); /* an empty message is a message */
    int queued;
    /* A datagram socket counts its first message, a seqpacket socket all. */
    CHECK(ioctl(sv[1], FIONREAD, &queued) == 0 && queued == (type == SOCK_DGRAM ? 5 : 12));
    char buffer[64];
    CHECK(read(sv[1], buffer, 0) == 0); /* takes nothing */
    CHECK(recv(sv[1], buffer, sizeof buffer, MSG_PEEK) == 5 && memcmp(buffer, "first", 5) == 0);
    CHECK(recv(sv[1], buffer, sizeof buffer, 0) == 5);
    /* Too small a buffer: the rest of the message is gone, MSG_TRUNC tells. */
    CHECK(recv(sv[1], buffer, 3, MSG_TRUNC) == 7 && memcmp(buffer, "sec", 3) == 0);
    CHECK(recv(sv[1], buffer, sizeof buffer, MSG_DONTWAIT) == 0);
    CHECK(recv(sv[1], buffer, sizeof buffer, MSG_DONTWAIT) == -1 && errno == EAGAIN);
    struct iovec out[3] = {{"ab", 2}, {"cd", 2}, {"ef", 2}};
    struct msghdr message = {0};
    message.msg_iov = out;
    message.msg_iovlen = 3;
    CHECK(sendmsg(sv[0], &message, 0) == 6);
    char part[4];
    struct iovec in[1] = {{part, sizeof part}};
    memset(&message, 0, sizeof message);
    message.msg_iov = in;
    message.msg_iovlen = 1;
    CHECK(recvmsg(sv[1], &message, 0) == 4 && memcmp(part, "abcd", 4) == 0 && (message.msg_flags & MSG_TRUNC));
    /* sendmmsg and recvmmsg: several messages a call; MSG_WAITFORONE takes what is there. */
    struct mmsghdr batch[4];
    struct iovec pieces[4];
    char texts[4][8];
    memset(batch, 0, sizeof batch);
    for (int i = 0; i < 3; ++i) {
        snprintf(texts[i], sizeof texts[i], "m%d%s", i, i == 1 ? "xx" : "");
        pieces[i].iov_base = texts[i];
        pieces[i].iov_len = strlen(texts[i]);
        batch[i].msg_hdr.msg_iov = &pieces[i];
        batch[i].msg_hdr.msg_iovlen = 1;
    }
    CHECK(sendmmsg(sv[0], batch, 3, 0) == 3 && batch[1].msg_len == 4);
    memset(batch, 0, sizeof batch);
    memset(texts, 0, sizeof texts);
    for (int i = 0; i < 4; ++i) {
        pieces[i].iov_base = texts[i];
        pieces[i].iov_len = sizeof texts[i];
        batch[i].msg_hdr.msg_iov = &pieces[i];
        batch[i].msg_hdr.msg_iovlen = 1;
    }
    CHECK(recvmmsg(sv[1], batch, 4, MSG_WAITFORONE, NULL) == 3);
    CHECK(batch[0].msg_len == 2 && batch[1].msg_len == 4 && strcmp(texts[2], "m2") == 0);
    /* Too big for the send buffer. */
    int size = 4096;
    CHECK(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &size, sizeof size) == 0);
    static char big[16384];
    CHECK(send(sv[0], big, sizeof big, 0) == -1 && errno == EMSGSIZE);
    if (type == SOCK_SEQPACKET) {
        /* The peer's end: EOF, and EPIPE without SIGPIPE. */
        CHECK(close(sv[1]) == 0);
        CHECK(recv(sv[0], buffer, sizeof buffer, 0) == 0);
        sigpipes = 0;
        CHECK(send(sv[0], "x", 1, 0) == -1 && errno == EPIPE && sigpipes == 0);
    } else {
        /* A datagram peer that is gone: refused once, then not connected. */
        CHECK(close(sv[1]) == 0);
        CHECK(send(sv[0], "x", 1, 0) == -1 && errno == ECONNREFUSED);
        CHECK(send(sv[0], "x", 1, 0) == -1 && errno == ENOTCONN);
    }
    CHECK(close(sv[0]) == 0);
    if (type == SOCK_DGRAM) {
        /* Letting go of a peer drops what is queued; a peer connected back hears ECONNRESET. */
        CHECK(socketpair(AF_UNIX, type, 0, sv) == 0);
        CHECK(send(sv[1], "ab", 2, 0) == 2);
        struct sockaddr unspec = {AF_UNSPEC};
        CHECK(connect(sv[0], &unspec, sizeof unspec) == 0);
        CHECK(recv(sv[0], buffer, sizeof buffer, MSG_DONTWAIT) == -1 && errno == EAGAIN);
        int error;
        socklen_t length = sizeof error;
        CHECK(getsockopt(sv[1], SOL_SOCKET, SO_ERROR, &error, &length) == 0 && error == ECONNRESET);
        CHECK(close(sv[0]) == 0 && close(sv[1]) == 0);
        /* The same when a send finds the peer gone. */
        CHECK(socketpair(AF_UNIX, type, 0, sv) == 0);
        CHECK(send(sv[1], "ab", 2, 0) == 2 && close(sv[1]) == 0);
        CHECK(send(sv[0], "x", 1, 0) == -1 && errno == ECONNREFUSED);
        CHECK(recv(sv[0], buffer, sizeof buffer, MSG_DONTWAIT) == -1 && errno == EAGAIN);
        CHECK(close(sv[0]) == 0);
    }
    /* shutdown(SHUT_WR) of a datagram socket: EPIPE, no SIGPIPE. */
    CHECK(socketpair(AF_UNIX, type, 0, sv) == 0);
    CHECK(shutdown(sv[0], SHUT_WR) == 0);
    CHECK(send(sv[0], "x", 1, 0) == -1 && errno == EPIPE && sigpipes == 0);
    CHECK(close(sv[0]) == 0 && close(sv[1]) == 0);
}

static void check_named(const char* path) {
    struct sockaddr_un address, from;
    socklen_t length = path_address(&address, path), from_length;
    int receiver = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    CHECK(bind(receiver, (struct sockaddr*)&address, length) == 0);
    int sender = socket(AF_UNIX, SOCK_DGRAM, 0);
    CHECK(send(sender, "x", 1, 0) == -1 && errno == ENOTCONN);
    CHECK(sendto(sender, "one", 3, 0, (struct sockaddr*)&address, length) == 3);
    char buffer[64];
    from_length = sizeof from;
    CHECK(recvfrom(receiver, buffer, sizeof buffer, 0, (struct sockaddr*)&from, &from_length) == 3);
    CHECK(from_length == 0); /* an unbound sender has no name */
    /* A named sender is named. */
    struct sockaddr_un autobind = {AF_UNIX};
    CHECK(bind(sender, (struct sockaddr*)&autobind, sizeof(sa_family_t)) == 0);
    CHECK(sendto(sender, "two", 3, 0, (struct sockaddr*)&address, length) == 3);
    from_length = sizeof from;
    CHECK(recvfrom(receiver, buffer, sizeof buffer, 0, (struct sockaddr*)&from, &from_length) == 3);
    CHECK(from_length == 8 && from.sun_family == AF_UNIX && from.sun_path[0] == '\0');
    /* Replying to that name. */
    CHECK(sendto(receiver, "back", 4, 0, (struct sockaddr*)&from, from_length) == 4);
    CHECK(recv(sender, buffer, sizeof buffer, 0) == 4 && memcmp(buffer, "back", 4) == 0);
    /* Connected: the default destination; the receiver takes only from its peer... */
    CHECK(connect(sender, (struct sockaddr*)&address, length) == 0);
    struct sockaddr_un peer;
    socklen_t peer_length = sizeof peer;
    CHECK(getpeername(sender, (struct sockaddr*)&peer, &peer_length) == 0 && peer_length == length);
    CHECK(send(sender, "three", 5, 0) == 5);
    CHECK(recv(receiver, buffer, sizeof buffer, 0) == 5);
    /* ... once connected itself, others get EPERM. */
    CHECK(connect(receiver, (struct sockaddr*)&from, from_length) == 0);
    int stranger = socket(AF_UNIX, SOCK_DGRAM, 0);
    CHECK(sendto(stranger, "x", 1, 0, (struct sockaddr*)&address, length) == -1 && errno == EPERM);
    CHECK(close(stranger) == 0);
    /* AF_UNSPEC disconnects. */
    struct sockaddr unspec = {AF_UNSPEC};
    CHECK(connect(sender, &unspec, sizeof unspec) == 0);
    peer_length = sizeof peer;
    CHECK(getpeername(sender, (struct sockaddr*)&peer, &peer_length) == -1 && errno == ENOTCONN);
    CHECK(connect(receiver, &unspec, sizeof unspec) == 0);
    /* A receiver's queue holds max_dgram_qlen + 1 messages from a socket it is not connected to. */
    int nonblocking = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    int sent = 0;
    while (sendto(nonblocking, "q", 1, 0, (struct sockaddr*)&address, length) == 1) ++sent;
    CHECK(errno == EAGAIN && sent > 1);
    int received = 0;
    while (recv(receiver, buffer, sizeof buffer, 0) == 1) ++received;
    CHECK(errno == EAGAIN && received == sent);
    CHECK(close(nonblocking) == 0);
    /* Missing names, wrong types. */
    struct sockaddr_un missing;
    CHECK(sendto(sender, "x", 1, 0, (struct sockaddr*)&missing, path_address(&missing, "/tmp/none/x")) == -1 &&
          errno == ENOENT);
    int stream = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(sendto(stream, "x", 1, 0, (struct sockaddr*)&address, length) == -1 && errno == EOPNOTSUPP);
    CHECK(connect(stream, (struct sockaddr*)&address, length) == -1 && errno == EPROTOTYPE);
    CHECK(close(stream) == 0);
    /* The receiver closed: its name refuses. */
    CHECK(close(receiver) == 0);
    CHECK(sendto(sender, "x", 1, 0, (struct sockaddr*)&address, length) == -1 && errno == ECONNREFUSED);
    CHECK(close(sender) == 0);
    CHECK(unlink(path) == 0);
}

/* The other process's role: sends three datagrams to `path`. */
static void send_from_child(const char* path) {
    struct sockaddr_un address;
    socklen_t length = path_address(&address, path);
    int sender = socket(AF_UNIX, SOCK_DGRAM, 0);
    for (int i = 0; i < 3; ++i) {
        char text[16];
        int n = snprintf(text, sizeof text, "child %d", i);
        CHECK(sendto(sender, text, (size_t)n, 0, (struct sockaddr*)&address, length) == n);
    }
    CHECK(close(sender) == 0);
}

static void check_other_process(char* self, const char* path) {
    struct sockaddr_un address;
    socklen_t length = path_address(&address, path);
    int receiver = socket(AF_UNIX, SOCK_DGRAM, 0);
    CHECK(bind(receiver, (struct sockaddr*)&address, length) == 0);
    pid_t child = spawn_self(self, "send");
    for (int i = 0; i < 3; ++i) {
        char buffer[32], expected[16];
        int n = snprintf(expected, sizeof expected, "child %d", i);
        CHECK(recv(receiver, buffer, sizeof buffer, 0) == n && memcmp(buffer, expected, (size_t)n) == 0);
    }
    reap(child);
    CHECK(close(receiver) == 0 && unlink(path) == 0);
}

static void check_seqpacket_listener(const char* path) {
    struct sockaddr_un address;
    socklen_t length = path_address(&address, path);
    int listener = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    CHECK(bind(listener, (struct sockaddr*)&address, length) == 0 && listen(listener, 2) == 0);
    int client = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    char buffer[16];
    CHECK(recv(client, buffer, sizeof buffer, MSG_DONTWAIT) == -1 && errno == ENOTCONN);
    CHECK(send(client, "x", 1, 0) == -1 && errno == ENOTCONN);
    CHECK(connect(client, (struct sockaddr*)&address, length) == 0);
    int server = accept(listener, NULL, NULL);
    CHECK(server >= 0);
    CHECK(send(client, "record one", 10, 0) == 10 && send(client, "two", 3, 0) == 3);
    CHECK(recv(server, buffer, 6, 0) == 6 && recv(server, buffer, sizeof buffer, 0) == 3);
    CHECK(close(client) == 0);
    CHECK(recv(server, buffer, sizeof buffer, 0) == 0);
    CHECK(close(server) == 0 && close(listener) == 0 && unlink(path) == 0);
}

int main(int argc, char** argv) {
    signal(SIGPIPE, on_sigpipe);
    char path[64];
    snprintf(path, sizeof path, "/tmp/unix_dgram.%d", test_pid(argc, argv));
    if (argc > 1 && strcmp(argv[1], "send") == 0) {
        send_from_child(path);
        return 0;
    }
    unlink(path);
    check_pair(SOCK_DGRAM);
    check_pair(SOCK_SEQPACKET);
    check_named(path);
    check_other_process(argv[0], path);
    check_seqpacket_listener(path);
    printf("unix_dgram ok\n");
    return 0;
}
