/* timerfd_create/settime/gettime: one-shot and periodic timers read as
   expiry counts, relative and absolute times, disarming, poll and epoll
   readiness, non-blocking reads, EINTR, and the error cases. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static int64_t now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static struct itimerspec ms(long value, long interval) {
    struct itimerspec spec = {{interval / 1000, (interval % 1000) * 1000000}, {value / 1000, (value % 1000) * 1000000}};
    return spec;
}

static uint64_t read_count(int fd) {
    uint64_t count = 0;
    CHECK(read(fd, &count, sizeof count) == sizeof count);
    return count;
}

static void on_alarm(int signo) { (void)signo; }

int main(void) {
    CHECK(timerfd_create(CLOCK_PROCESS_CPUTIME_ID, 0) == -1 && errno == EINVAL);
    CHECK(timerfd_create(42, 0) == -1 && errno == EINVAL);
    CHECK(timerfd_create(CLOCK_MONOTONIC, 0x10) == -1 && errno == EINVAL);

    int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
    CHECK(fd >= 0);
    CHECK(fcntl(fd, F_GETFD) == FD_CLOEXEC);
    struct stat st;
    CHECK(fstat(fd, &st) == 0);
    check_fd_link(fd, "anon_inode:[timerfd]");

    /* Disarmed: gettime says 0, a non-blocking read EAGAIN. */
    struct itimerspec now;
    CHECK(timerfd_gettime(fd, &now) == 0 && now.it_value.tv_sec == 0 && now.it_value.tv_nsec == 0);
    CHECK(fcntl(fd, F_SETFL, O_NONBLOCK) == 0);
    uint64_t count;
    CHECK(read(fd, &count, sizeof count) == -1 && errno == EAGAIN);
    CHECK(read(fd, &count, 4) == -1 && errno == EINVAL);
    CHECK(fcntl(fd, F_SETFL, 0) == 0);

    /* One-shot, relative: the read waits for it. */
    struct itimerspec spec = ms(60, 0), old;
    int64_t start = now_ms();
    CHECK(timerfd_settime(fd, 0, &spec, NULL) == 0);
    CHECK(timerfd_gettime(fd, &now) == 0);
    CHECK(now.it_value.tv_sec == 0 && now.it_value.tv_nsec > 0 && now.it_value.tv_nsec <= 60 * 1000000);
    CHECK(read_count(fd) == 1);
    CHECK(now_ms() - start >= 59);
    CHECK(timerfd_gettime(fd, &now) == 0 && now.it_value.tv_sec == 0 && now.it_value.tv_nsec == 0);

    /* Periodic: missed periods add up. */
    spec = ms(20, 20);
    start = now_ms();
    CHECK(timerfd_settime(fd, 0, &spec, NULL) == 0);
    usleep(130 * 1000);
    count = read_count(fd);
    int64_t elapsed = now_ms() - start;
    CHECK(count >= 3 && count <= (uint64_t)(elapsed / 20));
    CHECK(timerfd_gettime(fd, &now) == 0 && now.it_interval.tv_nsec == 20 * 1000000);
    /* Re-arming returns the old setting and clears the count. */
    spec = ms(5000, 0);
    CHECK(timerfd_settime(fd, 0, &spec, &old) == 0);
    CHECK(old.it_interval.tv_nsec == 20 * 1000000 && old.it_value.tv_nsec <= 20 * 1000000);
    struct pollfd ready = {fd, POLLIN, 0};
    CHECK(poll(&ready, 1, 0) == 0);

    /* poll wakes when it expires. */
    spec = ms(40, 0);
    CHECK(timerfd_settime(fd, 0, &spec, NULL) == 0);
    start = now_ms();
    CHECK(poll(&ready, 1, 2000) == 1 && (ready.revents & POLLIN));
    CHECK(now_ms() - start < 1500);
    CHECK(read_count(fd) == 1);

    /* Absolute on CLOCK_MONOTONIC, ahead and in the past; epoll sees it. */
    int epoll = epoll_create1(EPOLL_CLOEXEC);
    CHECK(epoll >= 0);
    struct epoll_event event = {.events = EPOLLIN, .data.u32 = 7};
    CHECK(epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event) == 0);
    struct timespec base;
    clock_gettime(CLOCK_MONOTONIC, &base);
    spec = (struct itimerspec){{0, 0}, {base.tv_sec, base.tv_nsec + 50 * 1000000}};
    if (spec.it_value.tv_nsec >= 1000000000) {
        spec.it_value.tv_sec++;
        spec.it_value.tv_nsec -= 1000000000;
    }
    CHECK(timerfd_settime(fd, TFD_TIMER_ABSTIME, &spec, NULL) == 0);
    struct epoll_event got;
    CHECK(epoll_wait(epoll, &got, 1, 2000) == 1 && got.data.u32 == 7 && (got.events & EPOLLIN));
    CHECK(read_count(fd) == 1);
    spec = (struct itimerspec){{0, 0}, {base.tv_sec - 1, 0}};
    CHECK(timerfd_settime(fd, TFD_TIMER_ABSTIME, &spec, NULL) == 0);
    CHECK(read_count(fd) == 1);

    /* Disarming: nothing comes. */
    spec = ms(30, 30);
    CHECK(timerfd_settime(fd, 0, &spec, NULL) == 0);
    spec = ms(0, 0);
    CHECK(timerfd_settime(fd, 0, &spec, NULL) == 0);
    usleep(60 * 1000);
    CHECK(poll(&ready, 1, 0) == 0);

    /* A realtime timer with CANCEL_ON_SET is accepted. */
    int real = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK);
    CHECK(real >= 0);
    struct timespec wall;
    clock_gettime(CLOCK_REALTIME, &wall);
    spec = (struct itimerspec){{0, 0}, {wall.tv_sec + 100, 0}};
    CHECK(timerfd_settime(real, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &spec, NULL) == 0);
    CHECK(read(real, &count, sizeof count) == -1 && errno == EAGAIN);
    CHECK(timerfd_gettime(real, &now) == 0 && now.it_value.tv_sec >= 98 && now.it_value.tv_sec <= 100);

    /* Errors. */
    spec = (struct itimerspec){{0, 0}, {0, 1000000000}};
    CHECK(timerfd_settime(fd, 0, &spec, NULL) == -1 && errno == EINVAL);
    spec = ms(10, 0);
    CHECK(timerfd_settime(fd, 0x8, &spec, NULL) == -1 && errno == EINVAL);
    CHECK(timerfd_settime(epoll, 0, &spec, NULL) == -1 && errno == EINVAL);
    CHECK(timerfd_settime(fd, 0, (struct itimerspec*)8, NULL) == -1 && errno == EFAULT);
    CHECK(timerfd_gettime(99, &now) == -1 && errno == EBADF);
    CHECK(write(fd, &count, sizeof count) == -1 && errno == EINVAL);

    /* A signal without SA_RESTART ends a blocked read with EINTR. */
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_alarm;
    CHECK(sigaction(SIGALRM, &action, NULL) == 0);
    spec = ms(5000, 0);
    CHECK(timerfd_settime(fd, 0, &spec, NULL) == 0);
    struct itimerval alarm_in = {{0, 0}, {0, 50 * 1000}};
    CHECK(setitimer(ITIMER_REAL, &alarm_in, NULL) == 0);
    CHECK(read(fd, &count, sizeof count) == -1 && errno == EINTR);

    close(real);
    close(epoll);
    close(fd);
    puts("timerfd ok");
    return 0;
}
