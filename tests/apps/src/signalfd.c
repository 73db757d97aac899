/* signalfd/signalfd4: blocked signals read as signalfd_siginfo records
   (kill, sigqueue, several at once, SIGCHLD from a child that exited,
   from another thread), poll and epoll readiness, changing the mask,
   and the error cases. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "run_self.h"

static struct signalfd_siginfo read_one(int fd) {
    struct signalfd_siginfo info;
    CHECK(read(fd, &info, sizeof info) == sizeof info);
    return info;
}

static void* send_later(void* arg) {
    usleep(50 * 1000);
    CHECK(kill(getpid(), (int)(intptr_t)arg) == 0);
    return NULL;
}

int main(int argc, char** argv) {
    if (argc > 1 && strcmp(argv[1], "exit3") == 0) return 3;

    sigset_t blocked;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGUSR1);
    sigaddset(&blocked, SIGUSR2);
    sigaddset(&blocked, SIGCHLD);
    sigaddset(&blocked, SIGRTMIN);
    CHECK(sigprocmask(SIG_BLOCK, &blocked, NULL) == 0);

    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    CHECK(signalfd(-1, &usr1, 0x1234) == -1 && errno == EINVAL);
    CHECK(syscall(SYS_signalfd4, -1, &usr1, 4, 0) == -1 && errno == EINVAL);
    CHECK(syscall(SYS_signalfd4, -1, (void*)8, 8, 0) == -1 && errno == EFAULT);
    int fd = signalfd(-1, &usr1, SFD_NONBLOCK | SFD_CLOEXEC);
    CHECK(fd >= 0);
    CHECK(fcntl(fd, F_GETFD) == FD_CLOEXEC);
    check_fd_link(fd, "anon_inode:[signalfd]");

    struct signalfd_siginfo info;
    CHECK(read(fd, &info, sizeof info) == -1 && errno == EAGAIN);
    CHECK(read(fd, &info, sizeof info - 1) == -1 && errno == EINVAL);
    struct pollfd ready = {fd, POLLIN, 0};
    CHECK(poll(&ready, 1, 0) == 0);

    /* kill: SI_USER with the sender's pid and uid. */
    CHECK(kill(getpid(), SIGUSR1) == 0);
    CHECK(poll(&ready, 1, 0) == 1 && (ready.revents & POLLIN));
    info = read_one(fd);
    CHECK(info.ssi_signo == SIGUSR1 && info.ssi_code == SI_USER);
    CHECK(info.ssi_pid == (uint32_t)getpid() && info.ssi_uid == getuid());
    CHECK(read(fd, &info, sizeof info) == -1 && errno == EAGAIN);

    /* sigqueue: SI_QUEUE with the value. A signal outside the mask stays
       pending and unread. */
    CHECK(sigqueue(getpid(), SIGUSR2, (union sigval){.sival_int = 5}) == 0);
    CHECK(sigqueue(getpid(), SIGUSR1, (union sigval){.sival_int = 42}) == 0);
    info = read_one(fd);
    CHECK(info.ssi_signo == SIGUSR1 && info.ssi_code == SI_QUEUE && info.ssi_int == 42);
    CHECK(read(fd, &info, sizeof info) == -1 && errno == EAGAIN);
    sigset_t pending;
    CHECK(sigpending(&pending) == 0 && sigismember(&pending, SIGUSR2));

    /* Changing the mask reaches it; several records in one read. */
    sigset_t more = usr1;
    sigaddset(&more, SIGUSR2);
    sigaddset(&more, SIGRTMIN);
    sigaddset(&more, SIGKILL); /* dropped silently */
    CHECK(signalfd(fd, &more, 0) == fd);
    CHECK(signalfd(0, &more, 0) == -1 && errno == EINVAL); /* stdin is no signalfd */
    CHECK(sigqueue(getpid(), SIGRTMIN, (union sigval){.sival_int = 1}) == 0);
    CHECK(sigqueue(getpid(), SIGRTMIN, (union sigval){.sival_int = 2}) == 0);
    struct signalfd_siginfo batch[4];
    CHECK(read(fd, batch, sizeof batch) == 3 * (ssize_t)sizeof batch[0]);
    CHECK(batch[0].ssi_signo == SIGUSR2 && batch[0].ssi_int == 5);
    CHECK(batch[1].ssi_signo == (uint32_t)SIGRTMIN && batch[1].ssi_int == 1);
    CHECK(batch[2].ssi_signo == (uint32_t)SIGRTMIN && batch[2].ssi_int == 2);

    /* SIGCHLD, ignored by default, is kept while blocked: its record
       names the child and its exit status. */
    sigset_t child;
    sigemptyset(&child);
    sigaddset(&child, SIGCHLD);
    int child_fd = signalfd(-1, &child, 0);
    CHECK(child_fd >= 0);
    pid_t pid = spawn_self(argv[0], "exit3");
    info = read_one(child_fd);
    CHECK(info.ssi_signo == SIGCHLD && info.ssi_code == CLD_EXITED);
    CHECK(info.ssi_pid == (uint32_t)pid && info.ssi_status == 3);
    int status;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 3);

    /* A blocking read and epoll_wait wake for a signal sent later by
       another thread. */
    int blocking = signalfd(-1, &usr1, 0);
    CHECK(blocking >= 0);
    pthread_t sender;
    CHECK(pthread_create(&sender, NULL, send_later, (void*)(intptr_t)SIGUSR1) == 0);
    info = read_one(blocking);
    CHECK(info.ssi_signo == SIGUSR1);
    CHECK(pthread_join(sender, NULL) == 0);

    int epoll = epoll_create1(0);
    CHECK(epoll >= 0);
    struct epoll_event event = {.events = EPOLLIN, .data.u32 = 9};
    CHECK(epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event) == 0);
    CHECK(pthread_create(&sender, NULL, send_later, (void*)(intptr_t)SIGUSR2) == 0);
    struct epoll_event got;
    CHECK(epoll_wait(epoll, &got, 1, 5000) == 1 && got.data.u32 == 9);
    info = read_one(fd);
    CHECK(info.ssi_signo == SIGUSR2 && info.ssi_code == SI_USER);
    CHECK(pthread_join(sender, NULL) == 0);

    CHECK(write(fd, &info, sizeof info) == -1 && errno == EINVAL);
    close(epoll);
    close(blocking);
    close(child_fd);
    close(fd);
    puts("signalfd ok");
    return 0;
}
