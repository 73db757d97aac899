/* File locks: flock, fcntl POSIX record locks, open-file-description locks
   and lockf, within one process and between this process and a child
   started with posix_spawn. The child ("agent" mode) reads one command a
   line from stdin, runs it, and answers one line on stdout, so the parent
   can make it take, test and drop locks at chosen moments. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

extern char** environ;

/* ---- the agent (child) ---- */

static int agent(void) {
    char line[256];
    setvbuf(stdout, NULL, _IONBF, 0);
    while (fgets(line, sizeof line, stdin)) {
        char op = line[0];
        char path[200];
        int fd, cmd, type, whence;
        long long start, length;
        if (op == 'o' && sscanf(line + 1, "%199s %d", path, &type) == 2) {
            int opened = open(path, type);
            printf("%d\n", opened < 0 ? -errno : opened);
        } else if (op == 'l' && sscanf(line + 1, "%d %d %d %d %lld %lld", &fd, &cmd, &type, &whence, &start,
                                      &length) == 6) {
            /* 'l' answers once before the call, so the parent knows it is about to block, and once after. */
            printf("calling\n");
            struct flock lock = {.l_type = (short)type, .l_whence = (short)whence, .l_start = start, .l_len = length};
            int result = fcntl(fd, cmd, &lock);
            printf("%d\n", result < 0 ? -errno : result);
        } else if (op == 't' && sscanf(line + 1, "%d %d %d %lld %lld", &fd, &cmd, &type, &start, &length) == 5) {
            struct flock lock = {.l_type = (short)type, .l_whence = SEEK_SET, .l_start = start, .l_len = length};
            int result = fcntl(fd, cmd, &lock);
            if (result < 0)
                printf("%d\n", -errno);
            else
                printf("%d %lld %lld %d\n", lock.l_type, (long long)lock.l_start, (long long)lock.l_len, lock.l_pid);
        } else if (op == 'f' && sscanf(line + 1, "%d %d", &fd, &type) == 2) {
            int result = flock(fd, type);
            printf("%d\n", result < 0 ? -errno : result);
        } else if (op == 'k' && sscanf(line + 1, "%d %d %lld", &fd, &cmd, &length) == 3) {
            int result = lockf(fd, cmd, length);
            printf("%d\n", result < 0 ? -errno : result);
        } else if (op == 'c' && sscanf(line + 1, "%d", &fd) == 1) {
            printf("%d\n", close(fd) < 0 ? -errno : 0);
        } else if (op == 's' && sscanf(line + 1, "%lld", &length) == 1) {
            usleep((useconds_t)length * 1000);
            printf("slept\n");
        } else if (op == 'p') {
            printf("%d\n", getpid());
        } else if (op == 'x') {
            return 0;
        } else {
            printf("bad command %s", line);
            return 2;
        }
    }
    return 0;
}

/* ---- the parent's side ---- */

struct child {
    pid_t pid;
    int to;    /* its stdin */
    int from;  /* its stdout */
};

static struct child start_agent(void) {
    int in[2], out[2];
    CHECK(pipe2(in, O_CLOEXEC) == 0 && pipe2(out, O_CLOEXEC) == 0);
    posix_spawn_file_actions_t actions;
    CHECK(posix_spawn_file_actions_init(&actions) == 0);
    CHECK(posix_spawn_file_actions_adddup2(&actions, in[0], 0) == 0);
    CHECK(posix_spawn_file_actions_adddup2(&actions, out[1], 1) == 0);
    char* argv[] = {(char*)"file_locks", (char*)"agent", NULL};
    struct child child;
    CHECK(posix_spawn(&child.pid, "/proc/self/exe", &actions, NULL, argv, environ) == 0);
    CHECK(posix_spawn_file_actions_destroy(&actions) == 0);
    close(in[0]);
    close(out[1]);
    child.to = in[1];
    child.from = out[0];
    return child;
}

static void send_vline(struct child* child, const char* format, va_list args) {
    char line[256];
    int n = vsnprintf(line, sizeof line, format, args);
    CHECK(n > 0 && (size_t)n < sizeof line - 1);
    line[n++] = '\n';
    CHECK(write(child->to, line, (size_t)n) == n);
}

static void send_line(struct child* child, const char* format, ...) {
    va_list args;
    va_start(args, format);
    send_vline(child, format, args);
    va_end(args);
}

static void read_line(struct child* child, char* line, size_t size) {
    size_t length = 0;
    while (length + 1 < size) {
        char c;
        ssize_t n = read(child->from, &c, 1);
        CHECK(n == 1);
        if (c == '\n') break;
        line[length++] = c;
    }
    line[length] = '\0';
}

/* Sends a command and returns its (last) numeric answer. */
static int ask(struct child* child, const char* format, ...) {
    va_list args;
    va_start(args, format);
    send_vline(child, format, args);
    va_end(args);
    char answer[256];
    read_line(child, answer, sizeof answer);
    if (format[0] == 'l') {
        CHECK(strcmp(answer, "calling") == 0);
        read_line(child, answer, sizeof answer);
    }
    return atoi(answer);
}

struct seen {
    int type;
    long long start, length;
    int pid;
};

static struct seen child_test(struct child* child, int fd, int cmd, int type, long long start, long long length) {
    send_line(child, "t %d %d %d %lld %lld", fd, cmd, type, start, length);
    char answer[256];
    read_line(child, answer, sizeof answer);
    struct seen seen = {0};
    CHECK(sscanf(answer, "%d %lld %lld %d", &seen.type, &seen.start, &seen.length, &seen.pid) == 4);
    return seen;
}

static void end_agent(struct child* child) {
    send_line(child, "x");
    int status;
    CHECK(waitpid(child->pid, &status, 0) == child->pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(child->to);
    close(child->from);
}

static bool answer_ready(struct child* child) {
    struct pollfd poller = {.fd = child->from, .events = POLLIN};
    return poll(&poller, 1, 0) == 1;
}

static int set_lock(int fd, int cmd, int type, int whence, long long start, long long length) {
    struct flock lock = {.l_type = (short)type, .l_whence = (short)whence, .l_start = start, .l_len = length};
    return fcntl(fd, cmd, &lock);
}

static struct flock test_lock(int fd, int cmd, int type, long long start, long long length) {
    struct flock lock = {.l_type = (short)type, .l_whence = SEEK_SET, .l_start = start, .l_len = length};
    CHECK(fcntl(fd, cmd, &lock) == 0);
    return lock;
}

static char path[64];

static int open_file(int flags) {
    int fd = open(path, flags);
    CHECK(fd >= 0);
    return fd;
}

/* Argument checks and one process's own locks. */
static void single_process(void) {
    int fd = open_file(O_RDWR);
    /* A process's own locks never conflict with each other. */
    CHECK(set_lock(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 10) == 0);
    CHECK(test_lock(fd, F_GETLK, F_WRLCK, 0, 100).l_type == F_UNLCK);
    CHECK(set_lock(fd, F_SETLK, F_RDLCK, SEEK_SET, 0, 100) == 0); /* converts in place */
    CHECK(set_lock(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0) == 0);
    /* Bad requests. */
    struct flock lock = {.l_type = F_UNLCK, .l_whence = SEEK_SET};
    errno = 0;
    CHECK(fcntl(fd, F_GETLK, &lock) == -1 && errno == EINVAL);
    CHECK(set_lock(fd, F_SETLK, 7, SEEK_SET, 0, 1) == -1 && errno == EINVAL);
    CHECK(set_lock(fd, F_SETLK, F_WRLCK, 9, 0, 1) == -1 && errno == EINVAL);
    CHECK(set_lock(fd, F_SETLK, F_WRLCK, SEEK_SET, -1, 1) == -1 && errno == EINVAL);
    CHECK(set_lock(fd, F_SETLK, F_WRLCK, SEEK_SET, 5, -6) == -1 && errno == EINVAL);
    CHECK(set_lock(fd, F_SETLK, F_WRLCK, SEEK_SET, 0x7fffffffffffff00ll, 0x1000) == -1 && errno == EOVERFLOW);
    CHECK(fcntl(fd, F_SETLK, (void*)16) == -1 && errno == EFAULT);
    /* The access mode must allow the lock's type. */
    int reader = open_file(O_RDONLY), writer = open_file(O_WRONLY);
    CHECK(set_lock(reader, F_SETLK, F_WRLCK, SEEK_SET, 0, 1) == -1 && errno == EBADF);
    CHECK(set_lock(writer, F_SETLK, F_RDLCK, SEEK_SET, 0, 1) == -1 && errno == EBADF);
    CHECK(set_lock(reader, F_SETLK, F_RDLCK, SEEK_SET, 0, 1) == 0);
    /* Closing any fd of the file drops the process's POSIX locks on it. */
    CHECK(set_lock(writer, F_SETLK, F_WRLCK, SEEK_SET, 50, 1) == 0);
    int path_fd = open(path, O_PATH);
    CHECK(path_fd >= 0);
    CHECK(set_lock(path_fd, F_SETLK, F_RDLCK, SEEK_SET, 0, 1) == -1 && errno == EBADF);
    CHECK(flock(path_fd, LOCK_SH) == -1 && errno == EBADF);
    close(path_fd);
    close(reader);
    close(writer);

    /* OFD locks: two open()s of one file in one process conflict. */
    int first = open_file(O_RDWR), second = open_file(O_RDWR);
    CHECK(set_lock(first, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 100) == 0);
    CHECK(set_lock(second, F_OFD_SETLK, F_RDLCK, SEEK_SET, 50, 1) == -1 && (errno == EAGAIN || errno == EACCES));
    struct flock seen = test_lock(second, F_OFD_GETLK, F_RDLCK, 0, 0);
    CHECK(seen.l_type == F_WRLCK && seen.l_start == 0 && seen.l_len == 100 && seen.l_pid == -1);
    /* ... and with the process's own POSIX locks. */
    CHECK(set_lock(fd, F_SETLK, F_RDLCK, SEEK_SET, 10, 1) == -1 && (errno == EAGAIN || errno == EACCES));
    seen = test_lock(fd, F_GETLK, F_RDLCK, 0, 0);
    CHECK(seen.l_type == F_WRLCK && seen.l_pid == -1);
    /* l_pid must be 0 for OFD requests. */
    lock = (struct flock){.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_len = 1, .l_pid = getpid()};
    CHECK(fcntl(second, F_OFD_SETLK, &lock) == -1 && errno == EINVAL);
    CHECK(fcntl(second, F_OFD_GETLK, &lock) == -1 && errno == EINVAL);
    CHECK(fcntl(second, F_OFD_SETLKW, &lock) == -1 && errno == EINVAL);
    /* A dup shares the description (and its lock); the last close drops it. */
    int copy = dup(first);
    close(first);
    CHECK(set_lock(second, F_OFD_SETLK, F_RDLCK, SEEK_SET, 50, 1) == -1);
    close(copy);
    CHECK(set_lock(second, F_OFD_SETLK, F_RDLCK, SEEK_SET, 50, 1) == 0);
    /* Closing another fd of the file does not drop OFD locks. */
    close(fd);
    first = open_file(O_RDWR);
    CHECK(set_lock(first, F_OFD_SETLK, F_WRLCK, SEEK_SET, 50, 1) == -1);
    close(second);

    /* flock: per open file description. */
    second = open_file(O_RDONLY);
    CHECK(flock(first, LOCK_EX) == 0);
    CHECK(flock(second, LOCK_EX | LOCK_NB) == -1 && errno == EWOULDBLOCK);
    CHECK(flock(second, LOCK_SH | LOCK_NB) == -1 && errno == EWOULDBLOCK);
    CHECK(flock(first, LOCK_EX | LOCK_NB) == 0); /* already held */
    /* flock and fcntl locks do not see each other. */
    CHECK(set_lock(second, F_OFD_SETLK, F_RDLCK, SEEK_SET, 0, 0) == 0);
    CHECK(set_lock(second, F_OFD_SETLK, F_UNLCK, SEEK_SET, 0, 0) == 0);
    copy = dup(first);
    CHECK(flock(copy, LOCK_UN) == 0); /* the description's lock */
    CHECK(flock(second, LOCK_SH | LOCK_NB) == 0);
    CHECK(flock(first, LOCK_SH | LOCK_NB) == 0);
    /* Converting drops the old lock first: a failed conversion leaves none. */
    CHECK(flock(first, LOCK_EX | LOCK_NB) == -1 && errno == EWOULDBLOCK);
    CHECK(flock(second, LOCK_EX | LOCK_NB) == 0);
    CHECK(flock(first, 0) == -1 && errno == EINVAL);
    CHECK(flock(first, LOCK_SH | LOCK_EX) == -1 && errno == EINVAL);
    CHECK(flock(-1, LOCK_SH) == -1 && errno == EBADF);
    /* The last close releases the description's flock. */
    close(second);
    CHECK(flock(first, LOCK_EX | LOCK_NB) == 0);
    close(copy);
    close(first);
}

/* The child's lock as F_GETLK shows it, ranges merged and split. */
static void ranges_between_processes(void) {
    int fd = open_file(O_RDWR);
    struct child child = start_agent();
    int pid = ask(&child, "p");
    CHECK(pid == child.pid);
    int child_fd = ask(&child, "o %s %d", path, O_RDWR);
    CHECK(child_fd >= 0);
    CHECK(ask(&child, "l %d %d %d %d %d %d", child_fd, F_SETLK, F_WRLCK, SEEK_SET, 10, 10) == 0);
    CHECK(ask(&child, "l %d %d %d %d %d %d", child_fd, F_SETLK, F_WRLCK, SEEK_SET, 20, 10) == 0);
    struct flock seen = test_lock(fd, F_GETLK, F_RDLCK, 0, 100);
    CHECK(seen.l_type == F_WRLCK && seen.l_whence == SEEK_SET && seen.l_start == 10 && seen.l_len == 20);
    CHECK(seen.l_pid == child.pid);
    CHECK(set_lock(fd, F_SETLK, F_RDLCK, SEEK_SET, 25, 1) == -1 && (errno == EAGAIN || errno == EACCES));
    CHECK(set_lock(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 10) == 0); /* up to the child's lock */
    /* The child unlocks the middle: two locks remain. */
    CHECK(ask(&child, "l %d %d %d %d %d %d", child_fd, F_SETLK, F_UNLCK, SEEK_SET, 15, 5) == 0);
    seen = test_lock(fd, F_GETLK, F_WRLCK, 12, 100); /* the conflicting lock is reported whole */
    CHECK(seen.l_start == 10 && seen.l_len == 5);
    CHECK(test_lock(fd, F_GETLK, F_WRLCK, 15, 5).l_type == F_UNLCK);
    seen = test_lock(fd, F_GETLK, F_WRLCK, 16, 100);
    CHECK(seen.l_start == 20 && seen.l_len == 10);
    /* A read lock inside its write lock splits it in three. */
    CHECK(ask(&child, "l %d %d %d %d %d %d", child_fd, F_SETLK, F_RDLCK, SEEK_SET, 22, 2) == 0);
    CHECK(set_lock(fd, F_SETLK, F_RDLCK, SEEK_SET, 22, 2) == 0);
    CHECK(set_lock(fd, F_SETLK, F_UNLCK, SEEK_SET, 22, 2) == 0);
    seen = test_lock(fd, F_GETLK, F_RDLCK, 21, 100);
    CHECK(seen.l_type == F_WRLCK && seen.l_start == 20 && seen.l_len == 2);
    seen = test_lock(fd, F_GETLK, F_WRLCK, 22, 100);
    CHECK(seen.l_type == F_RDLCK && seen.l_start == 22 && seen.l_len == 2);
    seen = test_lock(fd, F_GETLK, F_RDLCK, 23, 100);
    CHECK(seen.l_type == F_WRLCK && seen.l_start == 24 && seen.l_len == 6);
    /* Length 0 runs to the end of the file, whatever its size; negative lengths and SEEK_CUR/SEEK_END. */
    CHECK(ask(&child, "l %d %d %d %d %d %d", child_fd, F_SETLK, F_WRLCK, SEEK_SET, 1000, 0) == 0);
    seen = test_lock(fd, F_GETLK, F_RDLCK, 1 << 30, 1);
    CHECK(seen.l_start == 1000 && seen.l_len == 0);
    CHECK(ask(&child, "l %d %d %d %d %d %d", child_fd, F_SETLK, F_WRLCK, SEEK_SET, 60, -10) == 0);
    seen = test_lock(fd, F_GETLK, F_RDLCK, 45, 100);
    CHECK(seen.l_start == 50 && seen.l_len == 10);
    CHECK(lseek(fd, 80, SEEK_SET) == 80);
    CHECK(set_lock(fd, F_SETLK, F_WRLCK, SEEK_CUR, -5, 2) == 0); /* 75..76 */
    struct seen by_child = child_test(&child, child_fd, F_GETLK, F_RDLCK, 70, 20);
    CHECK(by_child.type == F_WRLCK && by_child.start == 75 && by_child.length == 2 && by_child.pid == getpid());
    CHECK(set_lock(fd, F_SETLK, F_WRLCK, SEEK_END, -1, 1) == 0); /* the file has 100 bytes: 99 */
    by_child = child_test(&child, child_fd, F_GETLK, F_RDLCK, 90, 20);
    CHECK(by_child.type == F_WRLCK && by_child.start == 99 && by_child.length == 1);
    /* The child's lock goes when it closes ANY fd of the file. */
    int other = ask(&child, "o %s %d", path, O_RDONLY);
    CHECK(other >= 0);
    CHECK(ask(&child, "c %d", other) == 0);
    CHECK(test_lock(fd, F_GETLK, F_WRLCK, 0, 0).l_type == F_UNLCK);
    /* ... and at exit. */
    CHECK(ask(&child, "l %d %d %d %d %d %d", child_fd, F_SETLK, F_WRLCK, SEEK_SET, 200, 1) == 0);
    CHECK(test_lock(fd, F_GETLK, F_WRLCK, 0, 0).l_type == F_WRLCK);
    end_agent(&child);
    CHECK(test_lock(fd, F_GETLK, F_WRLCK, 0, 0).l_type == F_UNLCK);
    close(fd);
}

static volatile sig_atomic_t alarms;
static void on_alarm(int signal) {
    (void)signal;
    ++alarms;
}

static void every_20ms(int restart) {
    struct sigaction action = {.sa_handler = on_alarm, .sa_flags = restart ? SA_RESTART : 0};
    sigemptyset(&action.sa_mask);
    CHECK(sigaction(SIGALRM, &action, NULL) == 0);
    struct itimerval timer = {{0, 20000}, {0, 20000}};
    CHECK(setitimer(ITIMER_REAL, &timer, NULL) == 0);
}

static void timer_off(void) {
    struct itimerval timer = {{0, 0}, {0, 0}};
    CHECK(setitimer(ITIMER_REAL, &timer, NULL) == 0);
}

/* F_SETLKW waits for the holder, interruptibly; EDEADLK. */
static void waiting(void) {
    int fd = open_file(O_RDWR);
    struct child child = start_agent();
    int child_fd = ask(&child, "o %s %d", path, O_RDWR);
    CHECK(ask(&child, "l %d %d %d %d %d %d", child_fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 1) == 0);
    CHECK(set_lock(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 1) == -1 && (errno == EAGAIN || errno == EACCES));
    /* The child sleeps, answers, then closes (releasing); F_SETLKW returns
       only after that, so the answer is there by then. */
    send_line(&child, "s 100");
    send_line(&child, "c %d", child_fd);
    CHECK(set_lock(fd, F_SETLKW, F_WRLCK, SEEK_SET, 0, 1) == 0);
    CHECK(answer_ready(&child));
    char answer[64];
    read_line(&child, answer, sizeof answer);
    CHECK(strcmp(answer, "slept") == 0);
    read_line(&child, answer, sizeof answer);
    CHECK(strcmp(answer, "0") == 0);
    CHECK(set_lock(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0) == 0);

    /* A signal without SA_RESTART ends the wait with EINTR. */
    child_fd = ask(&child, "o %s %d", path, O_RDWR);
    CHECK(ask(&child, "l %d %d %d %d %d %d", child_fd, F_SETLK, F_RDLCK, SEEK_SET, 5, 1) == 0);
    alarms = 0;
    every_20ms(0);
    CHECK(set_lock(fd, F_SETLKW, F_WRLCK, SEEK_SET, 0, 10) == -1 && errno == EINTR);
    timer_off();
    CHECK(alarms > 0);
    /* With SA_RESTART it goes on waiting until the child lets go. */
    alarms = 0;
    every_20ms(1);
    send_line(&child, "s 150");
    send_line(&child, "l %d %d %d %d %d %d", child_fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0);
    CHECK(set_lock(fd, F_SETLKW, F_WRLCK, SEEK_SET, 0, 10) == 0);
    timer_off();
    CHECK(alarms > 0);
    read_line(&child, answer, sizeof answer);
    CHECK(strcmp(answer, "slept") == 0);
    read_line(&child, answer, sizeof answer);
    read_line(&child, answer, sizeof answer);
    CHECK(strcmp(answer, "0") == 0);
    CHECK(set_lock(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0) == 0);

    /* Deadlock: each holds one byte and waits for the other's. Whoever
       asks second gets EDEADLK (the parent, unless the child was slow to
       start waiting); the other then gets its lock. */
    CHECK(set_lock(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 1) == 0);
    CHECK(ask(&child, "l %d %d %d %d %d %d", child_fd, F_SETLK, F_WRLCK, SEEK_SET, 1, 1) == 0);
    send_line(&child, "l %d %d %d %d %d %d", child_fd, F_SETLKW, F_WRLCK, SEEK_SET, 0, 1);
    send_line(&child, "c %d", child_fd); /* then let go of everything */
    read_line(&child, answer, sizeof answer);
    CHECK(strcmp(answer, "calling") == 0);
    usleep(50000);
    int result = set_lock(fd, F_SETLKW, F_WRLCK, SEEK_SET, 1, 1);
    if (result == -1) {
        CHECK(errno == EDEADLK);
        CHECK(set_lock(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 1) == 0);
        read_line(&child, answer, sizeof answer);
        CHECK(strcmp(answer, "0") == 0);
    } else {
        read_line(&child, answer, sizeof answer);
        CHECK(atoi(answer) == -EDEADLK);
    }
    read_line(&child, answer, sizeof answer);
    CHECK(strcmp(answer, "0") == 0);
    end_agent(&child);
    close(fd);
}

/* flock and OFD locks between processes; lockf. */
static void descriptions_between_processes(void) {
    int fd = open_file(O_RDWR);
    CHECK(flock(fd, LOCK_EX) == 0);
    struct child child = start_agent(); /* inherits fd, which has no FD_CLOEXEC */
    /* The inherited fd is the same description: it holds the lock already. */
    CHECK(ask(&child, "f %d %d", fd, LOCK_EX | LOCK_NB) == 0);
    int child_fd = ask(&child, "o %s %d", path, O_RDONLY);
    CHECK(ask(&child, "f %d %d", child_fd, LOCK_SH | LOCK_NB) == -EWOULDBLOCK);
    /* The child's close of its copy is not the last close. */
    CHECK(ask(&child, "c %d", fd) == 0);
    CHECK(ask(&child, "f %d %d", child_fd, LOCK_SH | LOCK_NB) == -EWOULDBLOCK);
    /* A blocking flock waits for the holder. */
    send_line(&child, "f %d %d", child_fd, LOCK_SH);
    usleep(50000);
    CHECK(!answer_ready(&child));
    CHECK(flock(fd, LOCK_UN) == 0);
    char answer[64];
    read_line(&child, answer, sizeof answer);
    CHECK(strcmp(answer, "0") == 0);
    CHECK(flock(fd, LOCK_EX | LOCK_NB) == -1 && errno == EWOULDBLOCK);
    send_line(&child, "s 100");
    send_line(&child, "f %d %d", child_fd, LOCK_UN);
    CHECK(flock(fd, LOCK_EX) == 0);
    CHECK(answer_ready(&child));
    read_line(&child, answer, sizeof answer);
    CHECK(strcmp(answer, "slept") == 0);
    read_line(&child, answer, sizeof answer);
    CHECK(strcmp(answer, "0") == 0);
    CHECK(flock(fd, LOCK_UN) == 0);

    /* OFD locks: l_pid is -1 for other processes too. */
    CHECK(ask(&child, "c %d", child_fd) == 0);
    child_fd = ask(&child, "o %s %d", path, O_RDWR);
    CHECK(ask(&child, "l %d %d %d %d %d %d", child_fd, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 10) == 0);
    struct flock seen = test_lock(fd, F_OFD_GETLK, F_RDLCK, 0, 0);
    CHECK(seen.l_type == F_WRLCK && seen.l_pid == -1 && seen.l_len == 10);
    seen = test_lock(fd, F_GETLK, F_RDLCK, 0, 0);
    CHECK(seen.l_type == F_WRLCK && seen.l_pid == -1);
    CHECK(ask(&child, "l %d %d %d %d %d %d", child_fd, F_OFD_SETLK, F_UNLCK, SEEK_SET, 0, 0) == 0);

    /* lockf, as glibc and musl build it on fcntl. */
    CHECK(lseek(fd, 0, SEEK_SET) == 0);
    CHECK(lockf(fd, F_LOCK, 10) == 0);
    CHECK(ask(&child, "k %d %d %d", child_fd, F_TEST, 10) == -EACCES);
    int tlock = ask(&child, "k %d %d %d", child_fd, F_TLOCK, 10);
    CHECK(tlock == -EACCES || tlock == -EAGAIN);
    CHECK(ask(&child, "k %d %d %d", child_fd, F_TEST, 0) == -EACCES);
    CHECK(lockf(fd, F_ULOCK, 5) == 0); /* 0..4 free, 5..9 held */
    CHECK(ask(&child, "k %d %d %d", child_fd, F_TLOCK, 5) == 0);
    CHECK(lockf(fd, F_TEST, 10) == -1 && errno == EACCES);
    send_line(&child, "s 100");
    send_line(&child, "k %d %d %d", child_fd, F_ULOCK, 5);
    CHECK(lockf(fd, F_LOCK, 5) == 0);
    read_line(&child, answer, sizeof answer);
    CHECK(strcmp(answer, "slept") == 0);
    read_line(&child, answer, sizeof answer);
    CHECK(strcmp(answer, "0") == 0);
    end_agent(&child);
    close(fd);
}

int main(int argc, char** argv) {
    if (argc == 2 && strcmp(argv[1], "agent") == 0) return agent();
    snprintf(path, sizeof path, "/tmp/cella-locks-%d", getpid());
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0644);
    CHECK(fd >= 0);
    char data[100];
    memset(data, 'x', sizeof data);
    CHECK(write(fd, data, sizeof data) == (ssize_t)sizeof data);
    close(fd);
    single_process();
    ranges_between_processes();
    waiting();
    descriptions_between_processes();
    CHECK(unlink(path) == 0);
    printf("file_locks ok\n");
    return 0;
}
