/* Passing open files (SCM_RIGHTS) and credentials (SCM_CREDENTIALS,
   SO_PASSCRED) over AF_UNIX sockets: within a process, to another process
   (which gets new fds for the same open files: a shared offset, a pipe
   that works), MSG_CMSG_CLOEXEC, MSG_CTRUNC, MSG_PEEK, and the checks on
   what is sent (EBADF, EINVAL, EPERM). Passes natively too. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>

#include "run_self.h"

/* A message of one iovec with `control` (`length` bytes) as its control buffer. */
static void prepare(struct msghdr* message, struct iovec* data, void* control, size_t length) {
    memset(message, 0, sizeof *message);
    message->msg_iov = data;
    message->msg_iovlen = 1;
    message->msg_control = length ? control : NULL;
    message->msg_controllen = length;
}

/* Sends `count` fds (and one byte) on `socket`. */
static ssize_t send_fds(int socket, const int* fds, int count) {
    char control[CMSG_SPACE(sizeof(int) * 8)];
    memset(control, 0, sizeof control);
    struct iovec data = {"F", 1};
    struct msghdr message;
    prepare(&message, &data, control, CMSG_SPACE(sizeof(int) * (size_t)count));
    struct cmsghdr* header = CMSG_FIRSTHDR(&message);
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = SCM_RIGHTS;
    header->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)count);
    memcpy(CMSG_DATA(header), fds, sizeof(int) * (size_t)count);
    return sendmsg(socket, &message, 0);
}

/* Receives up to `room` fds; returns how many came, and the message flags. */
static int receive_fds(int socket, int* fds, int room, int flags, int* message_flags) {
    char control[CMSG_SPACE(sizeof(int) * 8)];
    char byte;
    struct iovec data = {&byte, 1};
    struct msghdr message;
    prepare(&message, &data, control, room ? CMSG_LEN(sizeof(int) * (size_t)room) : 0);
    CHECK(recvmsg(socket, &message, flags) == 1 && byte == 'F');
    *message_flags = message.msg_flags;
    int count = 0;
    for (struct cmsghdr* header = CMSG_FIRSTHDR(&message); header; header = CMSG_NXTHDR(&message, header)) {
        CHECK(header->cmsg_level == SOL_SOCKET && header->cmsg_type == SCM_RIGHTS);
        int n = (int)((header->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        memcpy(fds + count, CMSG_DATA(header), sizeof(int) * (size_t)n);
        count += n;
    }
    return count;
}

static void check_in_process(void) {
    int sv[2], pipe_fds[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0 && pipe(pipe_fds) == 0);
    CHECK(send_fds(sv[0], pipe_fds, 2) == 1);
    int got[8], flags;
    CHECK(receive_fds(sv[1], got, 8, MSG_CMSG_CLOEXEC, &flags) == 2 && !(flags & MSG_CTRUNC));
    CHECK(got[0] != pipe_fds[0] && got[1] != pipe_fds[1]);
    CHECK(fcntl(got[0], F_GETFD) == FD_CLOEXEC && fcntl(got[1], F_GETFD) == FD_CLOEXEC);
    /* The same pipe. */
    char buffer[8];
    CHECK(write(got[1], "via", 3) == 3 && read(pipe_fds[0], buffer, sizeof buffer) == 3);
    CHECK(close(got[0]) == 0 && close(got[1]) == 0);
    /* Room for one: the other is dropped, MSG_CTRUNC says so. */
    CHECK(send_fds(sv[0], pipe_fds, 2) == 1);
    CHECK(receive_fds(sv[1], got, 1, 0, &flags) == 1 && (flags & MSG_CTRUNC));
    CHECK(fcntl(got[0], F_GETFD) == 0);
    CHECK(close(got[0]) == 0);
    /* No room at all. */
    CHECK(send_fds(sv[0], pipe_fds, 1) == 1);
    CHECK(receive_fds(sv[1], got, 0, 0, &flags) == 0 && (flags & MSG_CTRUNC));
    /* MSG_PEEK gives fds too, and the message stays. */
    CHECK(send_fds(sv[0], pipe_fds, 1) == 1);
    CHECK(receive_fds(sv[1], got, 8, MSG_PEEK, &flags) == 1);
    CHECK(close(got[0]) == 0);
    CHECK(receive_fds(sv[1], got, 8, 0, &flags) == 1);
    CHECK(close(got[0]) == 0);
    /* A message with files ends a stream read: the bytes after it come next. */
    CHECK(send_fds(sv[0], pipe_fds, 1) == 1 && write(sv[0], "after", 5) == 5);
    CHECK(receive_fds(sv[1], got, 8, 0, &flags) == 1);
    CHECK(close(got[0]) == 0);
    CHECK(read(sv[1], buffer, sizeof buffer) == 5);
    /* Bad fds, bad headers. */
    int bad = 999;
    CHECK(send_fds(sv[0], &bad, 1) == -1 && errno == EBADF);
    char control[CMSG_SPACE(sizeof(int))] = {0};
    struct iovec data = {"x", 1};
    struct msghdr message;
    prepare(&message, &data, control, sizeof control);
    struct cmsghdr* header = CMSG_FIRSTHDR(&message);
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = 77;
    header->cmsg_len = CMSG_LEN(sizeof(int));
    CHECK(sendmsg(sv[0], &message, 0) == -1 && errno == EINVAL);
    header->cmsg_type = SCM_RIGHTS;
    header->cmsg_len = sizeof control + 8;
    CHECK(sendmsg(sv[0], &message, 0) == -1 && errno == EINVAL);
    /* Another level is skipped. */
    header->cmsg_level = 6;
    header->cmsg_len = CMSG_LEN(sizeof(int));
    CHECK(sendmsg(sv[0], &message, 0) == 1 && read(sv[1], buffer, 1) == 1);
    CHECK(close(sv[0]) == 0 && close(sv[1]) == 0 && close(pipe_fds[0]) == 0 && close(pipe_fds[1]) == 0);
}

static void check_credentials(void) {
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
    int on = 1;
    CHECK(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on) == 0);
    CHECK(send(sv[0], "c", 1, 0) == 1);
    char control[CMSG_SPACE(sizeof(struct ucred))];
    char byte;
    struct iovec data = {&byte, 1};
    struct msghdr message;
    prepare(&message, &data, control, sizeof control);
    CHECK(recvmsg(sv[1], &message, 0) == 1);
    struct cmsghdr* header = CMSG_FIRSTHDR(&message);
    CHECK(header && header->cmsg_level == SOL_SOCKET && header->cmsg_type == SCM_CREDENTIALS);
    CHECK(header->cmsg_len == CMSG_LEN(sizeof(struct ucred)));
    struct ucred credentials;
    memcpy(&credentials, CMSG_DATA(header), sizeof credentials);
    CHECK(credentials.pid == getpid() && credentials.uid == getuid() && credentials.gid == getgid());
    /* Sending our own credentials explicitly works; someone else's pid does not (unless privileged). */
    struct ucred mine = {getpid(), getuid(), getgid()};
    memset(control, 0, sizeof control);
    prepare(&message, &data, control, sizeof control);
    header = CMSG_FIRSTHDR(&message);
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = SCM_CREDENTIALS;
    header->cmsg_len = CMSG_LEN(sizeof mine);
    memcpy(CMSG_DATA(header), &mine, sizeof mine);
    data.iov_base = "d";
    CHECK(sendmsg(sv[0], &message, 0) == 1);
    CHECK(recv(sv[1], &byte, 1, 0) == 1 && byte == 'd');
    header->cmsg_len = CMSG_LEN(sizeof mine) - 1;
    CHECK(sendmsg(sv[0], &message, 0) == -1 && errno == EINVAL);
    if (geteuid() != 0) {
        mine.pid = 1;
        header->cmsg_len = CMSG_LEN(sizeof mine);
        memcpy(CMSG_DATA(header), &mine, sizeof mine);
        CHECK(sendmsg(sv[0], &message, 0) == -1 && errno == EPERM);
    }
    CHECK(close(sv[0]) == 0 && close(sv[1]) == 0);
    /* A socket that passes credentials is named before it sends. */
    int receiver = socket(AF_UNIX, SOCK_DGRAM, 0), sender = socket(AF_UNIX, SOCK_DGRAM, 0);
    struct sockaddr_un address = {AF_UNIX};
    CHECK(bind(receiver, (struct sockaddr*)&address, sizeof(sa_family_t)) == 0);
    socklen_t length = sizeof address;
    CHECK(getsockname(receiver, (struct sockaddr*)&address, &length) == 0);
    CHECK(setsockopt(sender, SOL_SOCKET, SO_PASSCRED, &on, sizeof on) == 0);
    struct sockaddr_un name;
    socklen_t name_length = sizeof name;
    CHECK(getsockname(sender, (struct sockaddr*)&name, &name_length) == 0 && name_length == sizeof(sa_family_t));
    CHECK(sendto(sender, "n", 1, 0, (struct sockaddr*)&address, length) == 1);
    name_length = sizeof name;
    CHECK(getsockname(sender, (struct sockaddr*)&name, &name_length) == 0 && name_length == 8);
    struct sockaddr_un from;
    socklen_t from_length = sizeof from;
    CHECK(recvfrom(receiver, &byte, 1, 0, (struct sockaddr*)&from, &from_length) == 1 && from_length == 8);
    CHECK(memcmp(from.sun_path, name.sun_path, 6) == 0);
    CHECK(close(receiver) == 0 && close(sender) == 0);
}

/* The other process: receives a file and a pipe end over fd 3, uses both. */
static void receive_in_child(void) {
    int got[8], flags;
    CHECK(receive_fds(3, got, 8, 0, &flags) == 2);
    /* The file's offset is shared with the sender's description. */
    char buffer[8];
    CHECK(read(got[0], buffer, 4) == 4 && memcmp(buffer, "5678", 4) == 0);
    CHECK(write(got[1], "from child", 10) == 10);
    CHECK(close(got[0]) == 0 && close(got[1]) == 0);
}

static void check_other_process(char* self, const char* path) {
    int file = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK(file >= 0 && write(file, "12345678", 8) == 8 && lseek(file, 4, SEEK_SET) == 4);
    int sv[2], pipe_fds[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0 && pipe(pipe_fds) == 0);
    /* The child's fd 3 is its end of the socket pair. */
    posix_spawn_file_actions_t actions;
    CHECK(posix_spawn_file_actions_init(&actions) == 0);
    CHECK(posix_spawn_file_actions_adddup2(&actions, sv[1], 3) == 0);
    char pid_text[16];
    snprintf(pid_text, sizeof pid_text, "%d", (int)getpid());
    char* child_argv[] = {self, "receive", pid_text, NULL};
    pid_t child;
    CHECK(posix_spawn(&child, "/proc/self/exe", &actions, NULL, child_argv, environ) == 0);
    CHECK(close(sv[1]) == 0);
    int passing[2] = {file, pipe_fds[1]};
    CHECK(send_fds(sv[0], passing, 2) == 1);
    CHECK(close(pipe_fds[1]) == 0);
    char buffer[16];
    CHECK(read(pipe_fds[0], buffer, sizeof buffer) == 10 && memcmp(buffer, "from child", 10) == 0);
    reap(child);
    CHECK(read(pipe_fds[0], buffer, sizeof buffer) == 0); /* every write end is closed */
    CHECK(lseek(file, 0, SEEK_CUR) == 8);
    CHECK(close(file) == 0 && close(pipe_fds[0]) == 0 && close(sv[0]) == 0 && unlink(path) == 0);
}

int main(int argc, char** argv) {
    if (argc > 1 && strcmp(argv[1], "receive") == 0) {
        receive_in_child();
        return 0;
    }
    char path[64];
    snprintf(path, sizeof path, "/tmp/unix_scm_rights.%d", (int)getpid());
    check_in_process();
    check_credentials();
    check_other_process(argv[0], path);
    printf("unix_scm_rights ok\n");
    return 0;
}
