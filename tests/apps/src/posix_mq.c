/* POSIX message queues: priorities, limits, O_NONBLOCK, time limits,
   mq_getsetattr, poll, fstat, mq_notify with a signal and with a thread
   (SIGEV_THREAD: the C library's netlink socket), and two processes
   (this program run again as the child) talking through two queues. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <mqueue.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

extern char** environ;

static struct timespec in_ms(long ms) {
    struct timespec t;
    CHECK(clock_gettime(CLOCK_REALTIME, &t) == 0);
    t.tv_nsec += ms * 1000000;
    t.tv_sec += t.tv_nsec / 1000000000;
    t.tv_nsec %= 1000000000;
    return t;
}

static void expect(mqd_t q, const char* text, unsigned priority) {
    static char buffer[8192];
    unsigned got = 0;
    ssize_t n = mq_receive(q, buffer, sizeof buffer, &got);
    CHECK(n == (ssize_t)strlen(text) && memcmp(buffer, text, n) == 0 && got == priority);
}

/* Child: says hello on the first queue, waits for a ping on the second,
   answers with two messages of different priorities. */
static int child(const char* to_parent, const char* to_child) {
    mqd_t a = mq_open(to_parent, O_WRONLY);
    mqd_t b = mq_open(to_child, O_RDONLY);
    CHECK(a != (mqd_t)-1 && b != (mqd_t)-1);
    CHECK(mq_send(a, "hello", 5, 7) == 0);
    expect(b, "ping", 0);
    CHECK(mq_send(a, "low", 3, 2) == 0);
    CHECK(mq_send(a, "high", 4, 9) == 0);
    return 0;
}

static void on_alarm(int signal) { (void)signal; }

static volatile int thread_notified;

static void on_message(union sigval value) { thread_notified = value.sival_int; }

/* SIGEV_THREAD: the function runs in a new thread when a message arrives
   on the empty queue; a registration dropped before that never runs. */
static void check_thread_notification(mqd_t q) {
    struct sigevent event = {0};
    event.sigev_notify = SIGEV_THREAD;
    event.sigev_notify_function = on_message;
    event.sigev_value.sival_int = 4242;
    CHECK(mq_notify(q, &event) == 0);
    CHECK(mq_notify(q, &event) == -1 && errno == EBUSY);
    CHECK(mq_send(q, "t", 1, 0) == 0);
    for (int i = 0; i < 500 && thread_notified != 4242; ++i) usleep(10000);
    CHECK(thread_notified == 4242);
    expect(q, "t", 0);
    /* Registered and dropped again: nothing runs, and it may be made anew. */
    thread_notified = 0;
    CHECK(mq_notify(q, &event) == 0 && mq_notify(q, NULL) == 0);
    CHECK(mq_send(q, "u", 1, 0) == 0);
    usleep(50000);
    CHECK(thread_notified == 0);
    expect(q, "u", 0);
    CHECK(mq_notify(q, &event) == 0 && mq_notify(q, NULL) == 0);
}

int main(int argc, char** argv) {
    if (argc == 4) return child(argv[2], argv[3]);

    char name_a[64], name_b[64];
    snprintf(name_a, sizeof name_a, "/cella_mq_a_%d", (int)getpid());
    snprintf(name_b, sizeof name_b, "/cella_mq_b_%d", (int)getpid());
    struct mq_attr attr = {0};
    attr.mq_maxmsg = 4;
    attr.mq_msgsize = 64;
    mqd_t a = mq_open(name_a, O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
    CHECK(a != (mqd_t)-1);
    CHECK(mq_open(name_a, O_CREAT | O_EXCL | O_RDWR, 0600, &attr) == (mqd_t)-1 && errno == EEXIST);
    CHECK(mq_open("/cella_mq_missing", O_RDWR) == (mqd_t)-1 && errno == ENOENT);
    CHECK(mq_open("/cella/mq", O_CREAT | O_RDWR, 0600, NULL) == (mqd_t)-1 && errno == EACCES);
    struct mq_attr bad = attr;
    bad.mq_maxmsg = 0;
    CHECK(mq_open("/cella_mq_bad", O_CREAT | O_RDWR, 0600, &bad) == (mqd_t)-1 && errno == EINVAL);
    mqd_t b = mq_open(name_b, O_CREAT | O_RDWR, 0600, NULL);
    CHECK(b != (mqd_t)-1);
    struct mq_attr got;
    CHECK(mq_getattr(b, &got) == 0 && got.mq_curmsgs == 0);
    /* A queue made without attributes gets the defaults /proc shows. */
    char text[32];
    read_whole_file("/proc/sys/fs/mqueue/msg_default", text, sizeof text);
    CHECK(got.mq_maxmsg == atol(text));
    read_whole_file("/proc/sys/fs/mqueue/msgsize_default", text, sizeof text);
    CHECK(got.mq_msgsize == atol(text));

    /* The descriptor is a file. */
    struct stat st;
    CHECK(fstat(a, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0777) == 0600);
    struct pollfd p = {a, POLLIN | POLLOUT, 0};
    CHECK(poll(&p, 1, 0) == 1 && p.revents == POLLOUT);

    /* epoll sees a message arrive. */
    int epoll = epoll_create1(EPOLL_CLOEXEC);
    CHECK(epoll >= 0);
    struct epoll_event interest = {EPOLLIN, {.u32 = 7}}, ready;
    CHECK(epoll_ctl(epoll, EPOLL_CTL_ADD, a, &interest) == 0);
    CHECK(epoll_wait(epoll, &ready, 1, 0) == 0);

    /* Highest priority first, arrival order within one. */
    CHECK(mq_send(a, "one", 3, 1) == 0);
    CHECK(mq_send(a, "five", 4, 5) == 0);
    CHECK(mq_send(a, "three", 5, 3) == 0);
    CHECK(mq_send(a, "five again", 10, 5) == 0);
    CHECK(poll(&p, 1, 0) == 1 && p.revents == POLLIN);
    CHECK(epoll_wait(epoll, &ready, 1, 0) == 1 && ready.events == EPOLLIN && ready.data.u32 == 7);
    CHECK(close(epoll) == 0);
    CHECK(mq_getattr(a, &got) == 0 && got.mq_curmsgs == 4);
    /* Full: O_NONBLOCK says EAGAIN, a time limit ETIMEDOUT. */
    struct mq_attr nonblocking = {0};
    nonblocking.mq_flags = O_NONBLOCK;
    CHECK(mq_setattr(a, &nonblocking, &got) == 0 && got.mq_flags == 0);
    CHECK(mq_send(a, "x", 1, 0) == -1 && errno == EAGAIN);
    struct mq_attr blocking = {0};
    CHECK(mq_setattr(a, &blocking, &got) == 0 && got.mq_flags == O_NONBLOCK);
    struct timespec soon = in_ms(20);
    CHECK(mq_timedsend(a, "x", 1, 0, &soon) == -1 && errno == ETIMEDOUT);
    CHECK(mq_send(a, "x", 1, 32768) == -1 && errno == EINVAL);
    char big[65] = {0};
    CHECK(mq_send(a, big, sizeof big, 0) == -1 && errno == EMSGSIZE);
    char small[63];
    CHECK(mq_receive(a, small, sizeof small, NULL) == -1 && errno == EMSGSIZE);
    expect(a, "five", 5);
    expect(a, "five again", 5);
    expect(a, "three", 3);
    expect(a, "one", 1);
    soon = in_ms(20);
    char buffer[128];
    CHECK(mq_timedreceive(a, buffer, sizeof buffer, NULL, &soon) == -1 && errno == ETIMEDOUT);
    struct timespec invalid = {0, 1000000000};
    CHECK(mq_timedreceive(a, buffer, sizeof buffer, NULL, &invalid) == -1 && errno == EINVAL);

    /* A handler without SA_RESTART ends a wait with EINTR. */
    struct sigaction action = {0};
    action.sa_handler = on_alarm;
    CHECK(sigaction(SIGALRM, &action, NULL) == 0);
    /* Repeating: a first signal may come before the call waits. */
    struct itimerval timer = {{0, 20000}, {0, 20000}};
    CHECK(setitimer(ITIMER_REAL, &timer, NULL) == 0);
    CHECK(mq_receive(a, buffer, sizeof buffer, NULL) == -1 && errno == EINTR);
    struct itimerval off = {{0, 0}, {0, 0}};
    CHECK(setitimer(ITIMER_REAL, &off, NULL) == 0);

    /* A signal announces the first message on the empty queue. */
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    CHECK(sigprocmask(SIG_BLOCK, &usr1, NULL) == 0);
    struct sigevent event = {0};
    event.sigev_notify = SIGEV_SIGNAL;
    event.sigev_signo = SIGUSR1;
    event.sigev_value.sival_int = 42;
    CHECK(mq_notify(a, &event) == 0);
    CHECK(mq_notify(a, &event) == -1 && errno == EBUSY);

    char* child_argv[] = {(char*)"posix_mq", (char*)"child", name_a, name_b, NULL};
    pid_t pid;
    CHECK(posix_spawn(&pid, "/proc/self/exe", NULL, NULL, child_argv, environ) == 0);
    siginfo_t info;
    CHECK(sigwaitinfo(&usr1, &info) == SIGUSR1);
    CHECK(info.si_code == SI_MESGQ && info.si_pid == pid && info.si_value.sival_int == 42);
    expect(a, "hello", 7);
    /* The registration was used up. */
    CHECK(mq_notify(a, &event) == 0 && mq_notify(a, NULL) == 0);
    CHECK(mq_send(b, "ping", 4, 0) == 0);
    int status;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    expect(a, "high", 9);
    expect(a, "low", 2);

    /* Unlinked, the name is gone and the open queue still works. */
    CHECK(mq_unlink(name_a) == 0);
    CHECK(mq_unlink(name_a) == -1 && errno == ENOENT);
    CHECK(mq_open(name_a, O_RDWR) == (mqd_t)-1 && errno == ENOENT);
    CHECK(mq_send(a, "still", 5, 0) == 0);
    expect(a, "still", 0);
    check_thread_notification(a);
    CHECK(mq_close(a) == 0 && mq_close(b) == 0);
    CHECK(mq_unlink(name_b) == 0);
    puts("posix_mq ok");
    return 0;
}
