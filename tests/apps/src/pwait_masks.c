/* ppoll, pselect6, epoll_pwait and epoll_pwait2 put the caller's signal mask
   back on every return, error returns included; when a handler interrupts
   them, the handler runs with their temporary mask. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

#ifndef SYS_epoll_pwait2
#define SYS_epoll_pwait2 441
#endif

static uint64_t bit(int signal) { return UINT64_C(1) << (signal - 1); }

static uint64_t current_mask(void) {
    uint64_t mask = 0;
    CHECK(syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &mask, 8) == 0);
    return mask;
}

static void set_mask(uint64_t mask) { CHECK(syscall(SYS_rt_sigprocmask, SIG_SETMASK, &mask, NULL, 8) == 0); }

static volatile uint64_t mask_in_handler;
static volatile int handled;
static void on_usr1(int signal) {
    (void)signal;
    mask_in_handler = current_mask();
    handled = 1;
}

/* Outside user space: every call checks it before anything else. */
static void* const bad = (void*)0xffff800000000000ull;
static const uint64_t base_mask = UINT64_C(1) << (SIGUSR1 - 1);
static uint64_t temporary;

/* A call returned `result` with `expected_errno`; the caller's mask is back. */
static void expect_error(long result, int expected_errno, int line) {
    if (result != -1 || errno != expected_errno || current_mask() != base_mask) {
        fprintf(stderr, "line %d: result %ld errno %d (want %d), mask %#llx\n", line, result, errno, expected_errno,
                (unsigned long long)current_mask());
        CHECK(!"wrong outcome");
    }
}
#define EXPECT_ERROR(call, e) expect_error((call), (e), __LINE__)

struct pselect_mask {
    const uint64_t* mask;
    size_t size;
};

static long sys_pselect(int nfds, fd_set* r, struct timespec* timeout, const uint64_t* mask) {
    struct pselect_mask argument = {mask, 8};
    return syscall(SYS_pselect6, nfds, r, NULL, NULL, timeout, &argument);
}

int main(void) {
    set_mask(base_mask);
    temporary = bit(SIGUSR2);
    struct timespec zero = {0, 0}, invalid = {0, 2000000000};
    int pipe_fds[2];
    CHECK(pipe(pipe_fds) == 0);
    struct pollfd one = {pipe_fds[0], POLLIN, 0};

    /* ppoll */
    EXPECT_ERROR(syscall(SYS_ppoll, &one, (nfds_t)1 << 20, &zero, &temporary, 8), EINVAL);
    EXPECT_ERROR(syscall(SYS_ppoll, bad, 1, &zero, &temporary, 8), EFAULT);
    EXPECT_ERROR(syscall(SYS_ppoll, &one, 1, &invalid, &temporary, 8), EINVAL);
    EXPECT_ERROR(syscall(SYS_ppoll, &one, 1, &zero, &temporary, 4), EINVAL);
    CHECK(syscall(SYS_ppoll, &one, 1, &zero, &temporary, 8) == 0 && current_mask() == base_mask);

    /* pselect6 */
    fd_set set;
    FD_ZERO(&set);
    FD_SET(pipe_fds[0], &set);
    EXPECT_ERROR(sys_pselect(-1, &set, &zero, &temporary), EINVAL);
    EXPECT_ERROR(sys_pselect(pipe_fds[0] + 1, bad, &zero, &temporary), EFAULT);
    /* Never opened, and below 64: Linux ignores fds past its table's size. */
    const int closed = 50;
    CHECK(fcntl(closed, F_GETFD) == -1 && errno == EBADF);
    fd_set closed_set;
    FD_ZERO(&closed_set);
    FD_SET(closed, &closed_set);
    EXPECT_ERROR(sys_pselect(closed + 1, &closed_set, &zero, &temporary), EBADF);
    CHECK(sys_pselect(pipe_fds[0] + 1, &set, &zero, &temporary) == 0 && current_mask() == base_mask);

    /* epoll_pwait and epoll_pwait2 */
    int epoll = epoll_create1(0);
    CHECK(epoll >= 0);
    struct epoll_event event = {.events = EPOLLIN, .data.u64 = 7}, out[4];
    CHECK(epoll_ctl(epoll, EPOLL_CTL_ADD, pipe_fds[0], &event) == 0);
    EXPECT_ERROR(syscall(SYS_epoll_pwait, epoll, out, 0, 0, &temporary, 8), EINVAL);
    EXPECT_ERROR(syscall(SYS_epoll_pwait, pipe_fds[0], out, 4, 0, &temporary, 8), EINVAL);
    EXPECT_ERROR(syscall(SYS_epoll_pwait, closed, out, 4, 0, &temporary, 8), EBADF);
    EXPECT_ERROR(syscall(SYS_epoll_pwait, epoll, bad, 4, 0, &temporary, 8), EFAULT);
    EXPECT_ERROR(syscall(SYS_epoll_pwait2, epoll, out, 0, &zero, &temporary, 8), EINVAL);
    EXPECT_ERROR(syscall(SYS_epoll_pwait2, closed, out, 4, &zero, &temporary, 8), EBADF);
    EXPECT_ERROR(syscall(SYS_epoll_pwait2, epoll, bad, 4, &zero, &temporary, 8), EFAULT);
    CHECK(syscall(SYS_epoll_pwait, epoll, out, 4, 0, &temporary, 8) == 0 && current_mask() == base_mask);
    CHECK(syscall(SYS_epoll_pwait2, epoll, out, 4, &zero, &temporary, 8) == 0 && current_mask() == base_mask);

    /* A blocked SIGUSR1 pending, a temporary mask that lets it in: the call
       is interrupted and the handler runs with the temporary mask (plus
       SIGUSR1 itself); the caller's mask is back afterwards. */
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_usr1;
    sigemptyset(&action.sa_mask);
    CHECK(sigaction(SIGUSR1, &action, NULL) == 0);
    uint64_t expected_in_handler = temporary | bit(SIGUSR1);
    struct timespec long_wait = {30, 0};
    for (int call = 0; call < 4; ++call) {
        CHECK(kill(getpid(), SIGUSR1) == 0);
        handled = 0;
        long result = -1;
        switch (call) {
        case 0: result = syscall(SYS_ppoll, &one, 1, &long_wait, &temporary, 8); break;
        case 1: result = sys_pselect(pipe_fds[0] + 1, &set, &long_wait, &temporary); break;
        case 2: result = syscall(SYS_epoll_pwait, epoll, out, 4, 30000, &temporary, 8); break;
        case 3: result = syscall(SYS_epoll_pwait2, epoll, out, 4, &long_wait, &temporary, 8); break;
        }
        CHECK(result == -1 && errno == EINTR);
        CHECK(handled && mask_in_handler == expected_in_handler);
        CHECK(current_mask() == base_mask);
        FD_ZERO(&set);
        FD_SET(pipe_fds[0], &set);
    }
    printf("pwait_masks ok\n");
    return 0;
}
