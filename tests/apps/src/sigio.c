/* Signal-driven I/O on pipes: F_SETOWN/F_GETOWN, F_SETOWN_EX/F_GETOWN_EX,
   F_SETSIG/F_GETSIG and O_ASYNC (F_SETFL and FIOASYNC). Data arriving
   signals the reader's owner, room the writer's; plain SIGIO carries
   SI_KERNEL, an F_SETSIG signal POLL_IN/POLL_OUT with the band and fd. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "check.h"

static volatile sig_atomic_t sigio_count, rt_count, rt_code, rt_fd, rt_signo;
static volatile long rt_band;
static volatile int sigio_code;

static void on_sigio(int signo, siginfo_t* info, void* context) {
    (void)signo;
    (void)context;
    sigio_count++;
    sigio_code = info->si_code;
}

static void on_rt(int signo, siginfo_t* info, void* context) {
    (void)context;
    rt_count++;
    rt_signo = signo;
    rt_code = info->si_code;
    rt_band = info->si_band;
    rt_fd = info->si_fd;
}

static void handle(int signo, void (*handler)(int, siginfo_t*, void*)) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = handler;
    action.sa_flags = SA_SIGINFO | SA_RESTART;
    CHECK(sigaction(signo, &action, NULL) == 0);
}

int main(void) {
    handle(SIGIO, on_sigio);
    handle(SIGRTMIN, on_rt);
    handle(SIGRTMIN + 1, on_rt);
    int fds[2];
    CHECK(pipe(fds) == 0);
    int r = fds[0], w = fds[1];

    /* Owners. */
    CHECK(fcntl(r, F_GETOWN) == 0);
    CHECK(fcntl(r, F_SETOWN, getpid()) == 0 && fcntl(r, F_GETOWN) == getpid());
    CHECK(fcntl(r, F_SETOWN, 999999) == -1 && errno == ESRCH);
    CHECK(fcntl(r, F_SETOWN, -getpgrp()) == 0 && fcntl(r, F_GETOWN) == -getpgrp());
    struct f_owner_ex owner = {F_OWNER_TID, (pid_t)syscall(SYS_gettid)}, got;
    CHECK(fcntl(r, F_SETOWN_EX, &owner) == 0);
    CHECK(fcntl(r, F_GETOWN_EX, &got) == 0 && got.type == F_OWNER_TID && got.pid == owner.pid);
    owner.type = 7;
    CHECK(fcntl(r, F_SETOWN_EX, &owner) == -1 && errno == EINVAL);
    CHECK(fcntl(r, F_SETSIG, 65) == -1 && errno == EINVAL);
    CHECK(fcntl(r, F_GETSIG) == 0);
    int regular = open("/proc/self/status", O_RDONLY);
    CHECK(regular >= 0);
    CHECK(fcntl(regular, F_SETOWN, getpid()) == 0 && fcntl(regular, F_GETOWN) == getpid());
    close(regular);

    /* Without O_ASYNC nothing is sent. */
    CHECK(fcntl(r, F_SETOWN, getpid()) == 0);
    CHECK(write(w, "a", 1) == 1);
    CHECK(sigio_count == 0);
    char buffer[65536];
    CHECK(read(r, buffer, sizeof buffer) == 1);

    /* O_ASYNC through F_SETFL: SIGIO with SI_KERNEL when data comes. */
    CHECK(fcntl(r, F_SETFL, fcntl(r, F_GETFL) | O_ASYNC) == 0);
    CHECK(fcntl(r, F_GETFL) & O_ASYNC);
    CHECK(write(w, "b", 1) == 1);
    CHECK(sigio_count == 1 && sigio_code == SI_KERNEL);
    CHECK(read(r, buffer, sizeof buffer) == 1);

    /* F_SETSIG: that signal, with POLL_IN, the band and the fd. */
    CHECK(fcntl(r, F_SETSIG, SIGRTMIN) == 0 && fcntl(r, F_GETSIG) == SIGRTMIN);
    CHECK(write(w, "c", 1) == 1);
    CHECK(rt_count == 1 && rt_signo == SIGRTMIN && rt_code == POLL_IN && rt_fd == r);
    CHECK((rt_band & (POLLIN | POLLRDNORM)) == (POLLIN | POLLRDNORM));
    CHECK(read(r, buffer, sizeof buffer) == 1);

    /* The writer's owner hears of room once a reader drains a full pipe. */
    int on = 1;
    CHECK(ioctl(w, FIOASYNC, &on) == 0 && (fcntl(w, F_GETFL) & O_ASYNC));
    CHECK(fcntl(w, F_SETOWN, getpid()) == 0 && fcntl(w, F_SETSIG, SIGRTMIN + 1) == 0);
    CHECK(fcntl(w, F_SETFL, fcntl(w, F_GETFL) | O_NONBLOCK) == 0);
    ssize_t filled = 0, n;
    while ((n = write(w, buffer, sizeof buffer)) > 0) filled += n;
    CHECK(n == -1 && errno == EAGAIN && filled > 0);
    int before = rt_count;
    CHECK(read(r, buffer, sizeof buffer) > 0);
    CHECK(rt_count > before && rt_signo == SIGRTMIN + 1 && rt_code == POLL_OUT && rt_fd == w);
    CHECK(rt_band & POLLOUT);
    CHECK(fcntl(r, F_SETFL, fcntl(r, F_GETFL) | O_NONBLOCK) == 0);
    while (read(r, buffer, sizeof buffer) > 0) {
    }

    /* Clearing O_ASYNC stops the signals. */
    int off = 0;
    CHECK(ioctl(r, FIOASYNC, &off) == 0 && !(fcntl(r, F_GETFL) & O_ASYNC));
    before = rt_count;
    int sigio_before = sigio_count;
    CHECK(write(w, "d", 1) == 1);
    CHECK(rt_count == before && sigio_count == sigio_before);

    close(r);
    close(w);
    puts("sigio ok");
    return 0;
}
