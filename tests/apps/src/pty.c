/* Pseudo-terminals as openpty-style programs use them: posix_openpt,
   grantpt, unlockpt, ptsname, the slave's node, the line discipline
   between the ends (ICANON editing, ECHO, ICRNL on input, ONLCR on
   output, EOF), raw mode with cfmakeraw and VMIN/VTIME, the window size,
   poll readiness, and the ends' closes (EIO and hangup). A child in its
   own session takes the slave as its controlling terminal and gets
   SIGWINCH and, from a typed ^C, SIGINT. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "check.h"

extern char** environ;

static short revents(int fd) {
    struct pollfd p = {fd, POLLIN | POLLOUT, 0};
    CHECK(poll(&p, 1, 0) >= 0);
    return p.revents;
}

/* Reads what the master has now (the echo, the slave's output). */
static void expect_master(int master, const char* expected) {
    char buffer[256];
    size_t want = strlen(expected), got = 0;
    while (got < want) {
        struct pollfd p = {master, POLLIN, 0};
        CHECK(poll(&p, 1, 5000) == 1);
        ssize_t n = read(master, buffer + got, sizeof buffer - got);
        CHECK(n > 0);
        got += (size_t)n;
    }
    if (got != want || memcmp(buffer, expected, want) != 0) {
        fprintf(stderr, "master read %zu bytes: ", got);
        for (size_t i = 0; i < got; ++i) fprintf(stderr, "\\x%02x", (unsigned char)buffer[i]);
        fprintf(stderr, "\n");
    }
    CHECK(got == want && memcmp(buffer, expected, want) == 0);
}

static void expect_read(int fd, const char* expected) {
    char buffer[256];
    ssize_t n = read(fd, buffer, sizeof buffer);
    CHECK(n == (ssize_t)strlen(expected) && memcmp(buffer, expected, (size_t)n) == 0);
}

static void put(int fd, const char* text) { CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text)); }

static int open_pair(char* name, size_t size) {
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    CHECK(master >= 0);
    CHECK(grantpt(master) == 0);
    int locked = -1;
    CHECK(ioctl(master, TIOCGPTLCK, &locked) == 0 && locked == 1);
    CHECK(ptsname_r(master, name, size) == 0);
    /* Locked until unlockpt. */
    CHECK(open(name, O_RDWR | O_NOCTTY) == -1 && errno == EIO);
    CHECK(unlockpt(master) == 0);
    CHECK(ioctl(master, TIOCGPTLCK, &locked) == 0 && locked == 0);
    return master;
}

static void names_and_nodes(int master, int slave, const char* name) {
    unsigned number = 0;
    CHECK(ioctl(master, TIOCGPTN, &number) == 0);
    char expected[32];
    snprintf(expected, sizeof expected, "/dev/pts/%u", number);
    CHECK(strcmp(name, expected) == 0);
    struct stat st;
    CHECK(stat(name, &st) == 0 && S_ISCHR(st.st_mode));
    CHECK(major(st.st_rdev) == 136 && minor(st.st_rdev) == number && st.st_uid == getuid());
    CHECK(stat("/dev/ptmx", &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(5, 2));
    CHECK(stat("/dev/pts/ptmx", &st) == 0 && S_ISCHR(st.st_mode));
    CHECK(isatty(master) && isatty(slave));
    CHECK(strcmp(ttyname(slave), name) == 0);
    check_fd_link(slave, name);
    /* The slave is in /dev/pts's listing. */
    DIR* dir = opendir("/dev/pts");
    CHECK(dir != NULL);
    int found = 0;
    struct dirent* entry;
    while ((entry = readdir(dir)) != NULL) found |= strcmp(entry->d_name, name + strlen("/dev/pts/")) == 0;
    closedir(dir);
    CHECK(found);
    /* TIOCGPTN is the master's. */
    CHECK(ioctl(slave, TIOCGPTN, &number) == -1 && errno == ENOTTY);
}

static void canonical(int master, int slave) {
    struct termios t;
    CHECK(tcgetattr(slave, &t) == 0);
    CHECK((t.c_lflag & (ICANON | ECHO | ISIG)) == (ICANON | ECHO | ISIG));
    CHECK((t.c_iflag & ICRNL) && (t.c_oflag & (OPOST | ONLCR)) == (OPOST | ONLCR));
    CHECK(t.c_cc[VERASE] == 0177 && t.c_cc[VEOF] == 4 && t.c_cc[VINTR] == 3);
    /* CR becomes NL, DEL erases, everything echoes with NL as CR NL. */
    put(master, "ab\rc\x7f" "d\n");
    expect_master(master, "ab\r\nc\b \bd\r\n");
    expect_read(slave, "ab\n");
    expect_read(slave, "d\n");
    /* A partial line is not readable yet. */
    put(master, "par");
    expect_master(master, "par");
    CHECK(!(revents(slave) & POLLIN));
    int queued = -1;
    CHECK(ioctl(slave, FIONREAD, &queued) == 0 && queued == 0);
    put(master, "t\n");
    expect_master(master, "t\r\n");
    CHECK(revents(slave) & POLLIN);
    CHECK(ioctl(slave, FIONREAD, &queued) == 0 && queued == 5);
    expect_read(slave, "part\n");
    /* EOF ends a line without being returned, and alone reads as 0. */
    put(master, "hi\x04");
    expect_master(master, "hi");
    expect_read(slave, "hi");
    put(master, "\x04");
    char byte;
    CHECK(read(slave, &byte, 1) == 0);
    /* Output processing: NL becomes CR NL. */
    put(slave, "x\ny\n");
    CHECK(revents(master) & POLLIN);
    CHECK(ioctl(master, FIONREAD, &queued) == 0 && queued == 6);
    expect_master(master, "x\r\ny\r\n");
    /* With ECHO off nothing comes back. */
    t.c_lflag &= ~ECHO;
    CHECK(tcsetattr(slave, TCSANOW, &t) == 0);
    put(master, "quiet\n");
    expect_read(slave, "quiet\n");
    CHECK(fcntl(master, F_SETFL, O_NONBLOCK) == 0);
    CHECK(read(master, &byte, 1) == -1 && errno == EAGAIN);
    CHECK(fcntl(master, F_SETFL, 0) == 0);
}

static void raw_mode(int master, int slave) {
    struct termios t;
    CHECK(tcgetattr(slave, &t) == 0);
    cfmakeraw(&t);
    CHECK(tcsetattr(slave, TCSANOW, &t) == 0);
    /* No signal, no mapping, no echo. */
    put(master, "\x03\r\x7f");
    char buffer[16];
    CHECK(read(slave, buffer, sizeof buffer) == 3 && memcmp(buffer, "\x03\r\x7f", 3) == 0);
    put(slave, "a\nb");
    expect_master(master, "a\nb");
    /* VMIN=0, VTIME=0: whatever is there, possibly nothing. */
    t.c_cc[VMIN] = 0;
    t.c_cc[VTIME] = 0;
    CHECK(tcsetattr(slave, TCSANOW, &t) == 0);
    CHECK(read(slave, buffer, sizeof buffer) == 0);
    /* VMIN=3: poll and read wait for three bytes. */
    t.c_cc[VMIN] = 3;
    CHECK(tcsetattr(slave, TCSANOW, &t) == 0);
    put(master, "12");
    CHECK(!(revents(slave) & POLLIN));
    put(master, "3");
    CHECK(revents(slave) & POLLIN);
    CHECK(read(slave, buffer, sizeof buffer) == 3 && memcmp(buffer, "123", 3) == 0);
    /* VMIN=0, VTIME=1: a tenth of a second, then 0. */
    t.c_cc[VMIN] = 0;
    t.c_cc[VTIME] = 1;
    CHECK(tcsetattr(slave, TCSAFLUSH, &t) == 0);
    CHECK(read(slave, buffer, sizeof buffer) == 0);
    /* TCFLSH drops unread input. */
    put(master, "gone");
    CHECK(tcflush(slave, TCIFLUSH) == 0);
    CHECK(read(slave, buffer, sizeof buffer) == 0);
}

static void window_size(int master, int slave) {
    struct winsize size = {.ws_row = 24, .ws_col = 80};
    CHECK(ioctl(master, TIOCSWINSZ, &size) == 0);
    struct winsize got;
    CHECK(ioctl(slave, TIOCGWINSZ, &got) == 0 && got.ws_row == 24 && got.ws_col == 80);
    size.ws_row = 50;
    CHECK(ioctl(slave, TIOCSWINSZ, &size) == 0);
    CHECK(ioctl(master, TIOCGWINSZ, &got) == 0 && got.ws_row == 50);
    int queued = -1;
    CHECK(ioctl(slave, TIOCOUTQ, &queued) == 0 && queued == 0);
}

/* select and epoll see the same readiness as poll, and wake a waiter. */
static void readiness(int master, int slave) {
    int epoll = epoll_create1(EPOLL_CLOEXEC);
    CHECK(epoll >= 0);
    struct epoll_event event = {.events = EPOLLIN, .data.fd = master};
    CHECK(epoll_ctl(epoll, EPOLL_CTL_ADD, master, &event) == 0);
    CHECK(epoll_wait(epoll, &event, 1, 0) == 0);
    pid_t pid;
    char* argv[] = {"/proc/self/exe", "late-writer", NULL};
    posix_spawn_file_actions_t actions;
    CHECK(posix_spawn_file_actions_init(&actions) == 0);
    CHECK(posix_spawn_file_actions_adddup2(&actions, slave, 1) == 0);
    CHECK(posix_spawn(&pid, "/proc/self/exe", &actions, NULL, argv, environ) == 0);
    CHECK(epoll_wait(epoll, &event, 1, 5000) == 1 && event.data.fd == master && (event.events & EPOLLIN));
    fd_set readable;
    FD_ZERO(&readable);
    FD_SET(master, &readable);
    struct timeval zero = {0, 0};
    CHECK(select(master + 1, &readable, NULL, NULL, &zero) == 1 && FD_ISSET(master, &readable));
    expect_master(master, "late\n"); /* raw mode: no ONLCR */
    CHECK(epoll_wait(epoll, &event, 1, 0) == 0);
    int status;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    posix_spawn_file_actions_destroy(&actions);
    close(epoll);
}

/* O_ASYNC: the master's owner gets SIGIO when the slave writes. */
static void async_io(int master, int slave) {
    sigset_t io, old;
    sigemptyset(&io);
    sigaddset(&io, SIGIO);
    CHECK(sigprocmask(SIG_BLOCK, &io, &old) == 0);
    CHECK(fcntl(master, F_SETOWN, getpid()) == 0);
    CHECK(fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_ASYNC) == 0);
    struct timespec zero = {0, 0};
    CHECK(sigtimedwait(&io, NULL, &zero) == -1 && errno == EAGAIN);
    put(slave, "s");
    CHECK(sigtimedwait(&io, NULL, &zero) == SIGIO);
    expect_master(master, "s");
    CHECK(fcntl(master, F_SETFL, fcntl(master, F_GETFL) & ~O_ASYNC) == 0);
    CHECK(sigprocmask(SIG_SETMASK, &old, NULL) == 0);
}

/* The slave closes: the master reads what is left, then EIO, and polls HUP. */
static void slave_close(int master, int slave, const char* name) {
    put(slave, "zz");
    CHECK(close(slave) == 0);
    CHECK(revents(master) & POLLHUP);
    char buffer[8];
    CHECK(read(master, buffer, sizeof buffer) == 2);
    CHECK(read(master, buffer, sizeof buffer) == -1 && errno == EIO);
    /* Opening a slave again ends that. */
    slave = open(name, O_RDWR | O_NOCTTY);
    CHECK(slave >= 0);
    CHECK(!(revents(master) & POLLHUP));
    CHECK(close(slave) == 0);
}

/* The master closes: the slave hangs up (reads 0, writes EIO) and leaves /dev/pts. */
static void master_close(int master, const char* name) {
    int slave = open(name, O_RDWR | O_NOCTTY);
    CHECK(slave >= 0);
    CHECK(close(master) == 0);
    CHECK((revents(slave) & (POLLHUP | POLLIN)) == (POLLHUP | POLLIN));
    char byte;
    CHECK(read(slave, &byte, 1) == 0);
    CHECK(write(slave, "a", 1) == -1 && errno == EIO);
    struct termios t;
    CHECK(tcgetattr(slave, &t) == -1 && errno == EIO);
    struct stat st;
    CHECK(stat(name, &st) == -1 && errno == ENOENT);
    CHECK(open(name, O_RDWR | O_NOCTTY) == -1 && errno == ENOENT);
    CHECK(close(slave) == 0);
}

/* TIOCGPTPEER opens the slave without a path (glibc's openpty uses it). */
static void peer(void) {
    char name[64];
    int master = open_pair(name, sizeof name);
    int slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
    CHECK(slave >= 0 && (fcntl(slave, F_GETFD) & FD_CLOEXEC));
    CHECK(strcmp(ttyname(slave), name) == 0);
    put(slave, "p");
    expect_master(master, "p");
    close(slave);
    close(master);
}

static volatile sig_atomic_t g_winched;
static void on_winch(int signo) { (void)signo; g_winched = 1; }

/* A process of a background group that reads its terminal: EIO while it
   ignores SIGTTIN, else SIGTTIN stops it. Changing the settings with
   SIGTTOU ignored goes through. */
static int background_reader(void) {
    int fd = open("/dev/tty", O_RDWR);
    CHECK(fd >= 0 && tcgetpgrp(fd) != getpgrp());
    signal(SIGTTIN, SIG_IGN);
    char byte;
    CHECK(read(fd, &byte, 1) == -1 && errno == EIO);
    signal(SIGTTOU, SIG_IGN);
    struct termios t;
    CHECK(tcgetattr(fd, &t) == 0 && tcsetattr(fd, TCSANOW, &t) == 0);
    signal(SIGTTIN, SIG_DFL);
    (void)read(fd, &byte, 1); /* stops here */
    return 3;
}

static void background(int fd) {
    posix_spawnattr_t attr;
    CHECK(posix_spawnattr_init(&attr) == 0);
    CHECK(posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP) == 0);
    CHECK(posix_spawnattr_setpgroup(&attr, 0) == 0);
    char* argv[] = {"/proc/self/exe", "background", NULL};
    pid_t pid;
    CHECK(posix_spawn(&pid, "/proc/self/exe", NULL, &attr, argv, environ) == 0);
    int status;
    CHECK(waitpid(pid, &status, WUNTRACED) == pid && WIFSTOPPED(status) && WSTOPSIG(status) == SIGTTIN);
    CHECK(tcgetpgrp(fd) == getpgrp());
    CHECK(kill(pid, SIGKILL) == 0);
    CHECK(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status));
}

/* The child: a new session that takes the slave as its terminal. */
static int child(const char* name) {
    int fd = open(name, O_RDWR);
    CHECK(fd >= 0);
    CHECK(tcgetsid(fd) == getsid(0) && tcgetpgrp(fd) == getpgrp());
    /* /proc/self/stat names the terminal (tty_nr) and its foreground group. */
    char stat_line[512];
    read_whole_file("/proc/self/stat", stat_line, sizeof stat_line);
    char* rest = strrchr(stat_line, ')');
    CHECK(rest != NULL);
    int parent, group, session, tty_nr, foreground;
    CHECK(sscanf(rest + 1, " %*c %d %d %d %d %d", &parent, &group, &session, &tty_nr, &foreground) == 5);
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && (dev_t)tty_nr == st.st_rdev && foreground == getpgrp());
    /* /dev/tty is the controlling terminal, under its own name. */
    int current = open("/dev/tty", O_RDWR);
    CHECK(current >= 0 && isatty(current));
    check_fd_link(current, "/dev/tty");
    CHECK(fstat(current, &st) == 0 && st.st_rdev == makedev(5, 0));
    put(current, "via /dev/tty\n");
    close(current);
    background(fd);
    struct sigaction action = {.sa_handler = on_winch};
    CHECK(sigaction(SIGWINCH, &action, NULL) == 0);
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGWINCH);
    CHECK(sigprocmask(SIG_BLOCK, &block, &old) == 0);
    put(fd, "ready\n");
    while (!g_winched) sigsuspend(&old);
    put(fd, "winch\n");
    for (;;) pause(); /* until the typed ^C */
}

static void job_control(char* self) {
    char name[64];
    int master = open_pair(name, sizeof name);
    /* Not the caller's terminal: the slave refuses, the master answers. */
    int slave = open(name, O_RDWR | O_NOCTTY);
    CHECK(slave >= 0);
    CHECK(tcgetpgrp(slave) == -1 && errno == ENOTTY);
    pid_t group = -1;
    CHECK(ioctl(master, TIOCGPGRP, &group) == 0 && group == 0);
    posix_spawnattr_t attr;
    CHECK(posix_spawnattr_init(&attr) == 0);
    CHECK(posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID) == 0);
    char* argv[] = {self, "child", name, NULL};
    pid_t pid;
    CHECK(posix_spawn(&pid, "/proc/self/exe", NULL, &attr, argv, environ) == 0);
    expect_master(master, "via /dev/tty\r\nready\r\n");
    /* Kept open until the child has the slave: with no slave open the
       master polls POLLHUP and reads EIO. */
    close(slave);
    CHECK(ioctl(master, TIOCGPGRP, &group) == 0 && group == pid);
    struct winsize size = {.ws_row = 10, .ws_col = 20};
    CHECK(ioctl(master, TIOCSWINSZ, &size) == 0);
    expect_master(master, "winch\r\n");
    put(master, "\x03");
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT);
    expect_master(master, "^C");
    close(master);
}

int main(int argc, char** argv) {
    if (argc == 3 && strcmp(argv[1], "child") == 0) return child(argv[2]);
    if (argc == 2 && strcmp(argv[1], "background") == 0) return background_reader();
    if (argc == 2 && strcmp(argv[1], "late-writer") == 0) {
        usleep(50000);
        put(1, "late\n");
        return 0;
    }
    char name[64];
    int master = open_pair(name, sizeof name);
    CHECK(revents(master) == POLLOUT);
    /* The master may type before any slave is open. */
    put(master, "early\n");
    expect_master(master, "early\r\n");
    int slave = open(name, O_RDWR | O_NOCTTY);
    CHECK(slave >= 0);
    expect_read(slave, "early\n");
    names_and_nodes(master, slave, name);
    canonical(master, slave);
    raw_mode(master, slave);
    window_size(master, slave);
    readiness(master, slave);
    async_io(master, slave);
    slave_close(master, slave, name);
    master_close(master, name);
    peer();
    job_control(argv[0]);
    printf("pty ok\n");
    return 0;
}
