/* File times: utime, utimes, futimesat and utimensat with UTIME_NOW,
   UTIME_OMIT, NULL times, futimens (a NULL path with a dirfd), symlinks
   with AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH, the change time, and the rules
   for a caller that does not own the file (run as root: a child drops to
   another uid). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>

#include "check.h"
#include "run_self.h"

static char dir[64], file[96], link_path[96], open_file[96], private_file[96];

static struct stat stat_of(const char* path) {
    struct stat st;
    CHECK(stat(path, &st) == 0);
    return st;
}

static int after(struct timespec a, struct timespec b) { /* a >= b */
    return a.tv_sec > b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec >= b.tv_nsec);
}

/* As uid 4321: times NULL needs write permission, explicit times need the owner. */
static int child(void) {
    CHECK(setgid(4321) == 0 && setuid(4321) == 0);
    struct timespec explicit_times[2] = {{100, 0}, {200, 0}};
    struct timespec now_omit[2] = {{0, UTIME_NOW}, {0, UTIME_OMIT}};
    CHECK(utimensat(AT_FDCWD, open_file, NULL, 0) == 0);          /* 0666: write permission is enough */
    CHECK(utimensat(AT_FDCWD, open_file, explicit_times, 0) == -1 && errno == EPERM);
    CHECK(utimensat(AT_FDCWD, open_file, now_omit, 0) == -1 && errno == EPERM);
    CHECK(utimes(open_file, NULL) == 0);
    CHECK(utimensat(AT_FDCWD, private_file, NULL, 0) == -1 && errno == EACCES); /* 0644 */
    CHECK(utime(private_file, NULL) == -1 && errno == EACCES);
    CHECK(utimensat(AT_FDCWD, private_file, explicit_times, 0) == -1 && errno == EPERM);
    /* Both omitted: nothing to check, nothing to do. */
    struct timespec omit[2] = {{0, UTIME_OMIT}, {0, UTIME_OMIT}};
    CHECK(utimensat(AT_FDCWD, private_file, omit, 0) == 0);
    return 0;
}

int main(int argc, char** argv) {
    snprintf(dir, sizeof dir, "/tmp/times-%d", test_pid(argc, argv));
    snprintf(file, sizeof file, "%s/file", dir);
    snprintf(link_path, sizeof link_path, "%s/link", dir);
    snprintf(open_file, sizeof open_file, "%s/open", dir);
    snprintf(private_file, sizeof private_file, "%s/private", dir);
    if (argc > 1 && strcmp(argv[1], "child") == 0) return child();
    CHECK(geteuid() == 0); /* natively too: run as root */

    CHECK(mkdir(dir, 0755) == 0);
    int fd = open(file, O_CREAT | O_RDWR, 0644);
    CHECK(fd >= 0);
    CHECK(symlink("file", link_path) == 0);

    /* Explicit times, and the change time moves to now. */
    struct timespec before;
    CHECK(clock_gettime(CLOCK_REALTIME, &before) == 0);
    before.tv_sec -= 1; /* file systems may keep coarser clocks */
    struct timespec times[2] = {{1000000000, 123456789}, {1100000000, 987654321}};
    CHECK(utimensat(AT_FDCWD, file, times, 0) == 0);
    struct stat st = stat_of(file);
    CHECK(st.st_atim.tv_sec == 1000000000 && st.st_atim.tv_nsec == 123456789);
    CHECK(st.st_mtim.tv_sec == 1100000000 && st.st_mtim.tv_nsec == 987654321);
    CHECK(after(st.st_ctim, before));

    /* UTIME_OMIT keeps one, UTIME_NOW sets it to now. */
    struct timespec omit_now[2] = {{5, UTIME_OMIT}, {7, UTIME_NOW}};
    CHECK(utimensat(AT_FDCWD, file, omit_now, 0) == 0);
    st = stat_of(file);
    CHECK(st.st_atim.tv_sec == 1000000000 && st.st_atim.tv_nsec == 123456789);
    CHECK(after(st.st_mtim, before));

    /* NULL times: both now. */
    CHECK(utimensat(AT_FDCWD, file, times, 0) == 0);
    CHECK(utimensat(AT_FDCWD, file, NULL, 0) == 0);
    st = stat_of(file);
    CHECK(after(st.st_atim, before) && after(st.st_mtim, before));

    /* futimens: a NULL path with a dirfd; no flags allowed then. */
    CHECK(futimens(fd, times) == 0);
    st = stat_of(file);
    CHECK(st.st_mtim.tv_sec == 1100000000);
    CHECK(syscall(SYS_utimensat, fd, NULL, NULL, AT_SYMLINK_NOFOLLOW) == -1 && errno == EINVAL);
    CHECK(syscall(SYS_utimensat, AT_FDCWD, NULL, NULL, 0) == -1 && errno == EFAULT);
    CHECK(syscall(SYS_utimensat, fd, "", NULL, 0) == -1 && errno == ENOENT);
    struct timespec mtime_only[2] = {{0, UTIME_OMIT}, {1200000000, 0}};
    CHECK(syscall(SYS_utimensat, fd, "", mtime_only, AT_EMPTY_PATH) == 0);
    CHECK(stat_of(file).st_mtim.tv_sec == 1200000000);
    CHECK(utimensat(AT_FDCWD, file, NULL, 0x4000 /* no such flag */) == -1 && errno == EINVAL);

    /* Bad nanoseconds are EINVAL; both omitted is 0 even for a missing path. */
    struct timespec bad[2] = {{0, 1000000000}, {0, 0}};
    CHECK(utimensat(AT_FDCWD, file, bad, 0) == -1 && errno == EINVAL);
    bad[0].tv_nsec = -1;
    CHECK(utimensat(AT_FDCWD, file, bad, 0) == -1 && errno == EINVAL);
    struct timespec omit[2] = {{0, UTIME_OMIT}, {0, UTIME_OMIT}};
    CHECK(utimensat(AT_FDCWD, "/tmp/no/such/file", omit, 0) == 0);
    CHECK(utimensat(AT_FDCWD, "/tmp/no/such/file", NULL, 0) == -1 && errno == ENOENT);

    /* AT_SYMLINK_NOFOLLOW changes the link, not its target. */
    struct timespec link_times[2] = {{300000000, 0}, {400000000, 0}};
    CHECK(utimensat(AT_FDCWD, link_path, link_times, AT_SYMLINK_NOFOLLOW) == 0);
    struct stat link_stat;
    CHECK(lstat(link_path, &link_stat) == 0 && link_stat.st_mtim.tv_sec == 400000000);
    CHECK(stat_of(file).st_mtim.tv_sec == 1200000000);
    CHECK(utimensat(AT_FDCWD, link_path, link_times, 0) == 0);
    CHECK(stat_of(file).st_mtim.tv_sec == 400000000);

    /* utime (seconds), utimes and futimesat (microseconds). */
    struct utimbuf buf = {111111111, 222222222};
    CHECK(utime(file, &buf) == 0);
    st = stat_of(file);
    CHECK(st.st_atim.tv_sec == 111111111 && st.st_atim.tv_nsec == 0 && st.st_mtim.tv_sec == 222222222);
    struct timeval tv[2] = {{333333333, 5}, {444444444, 999999}};
    CHECK(utimes(file, tv) == 0);
    st = stat_of(file);
    CHECK(st.st_atim.tv_nsec == 5000 && st.st_mtim.tv_sec == 444444444 && st.st_mtim.tv_nsec == 999999000);
    tv[1].tv_usec = 1000000;
    CHECK(utimes(file, tv) == -1 && errno == EINVAL);
    tv[1].tv_usec = 0;
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0);
    CHECK(syscall(SYS_futimesat, dfd, "file", tv) == 0);
    CHECK(stat_of(file).st_mtim.tv_sec == 444444444 && stat_of(file).st_mtim.tv_nsec == 0);
    CHECK(syscall(SYS_futimesat, fd, NULL, NULL) == 0); /* NULL path: the fd itself */
    CHECK(after(stat_of(file).st_mtim, before));
    CHECK(syscall(SYS_utimes, NULL, NULL) == -1 && errno == EFAULT);
    CHECK(syscall(SYS_utime, file, (void*)8) == -1 && errno == EFAULT);
    close(dfd);
    close(fd);

    /* Device nodes take times too; a read-only file system refuses. */
    CHECK(utimensat(AT_FDCWD, "/dev/null", NULL, 0) == 0);
    if (access("/etc/hostname", W_OK) == -1 && errno == EROFS)
        CHECK(utimensat(AT_FDCWD, "/etc/hostname", NULL, 0) == -1 && errno == EROFS);

    /* Another uid: a child that drops root. */
    fd = open(open_file, O_CREAT | O_WRONLY, 0666);
    CHECK(fd >= 0 && fchmod(fd, 0666) == 0 && close(fd) == 0);
    fd = open(private_file, O_CREAT | O_WRONLY, 0644);
    CHECK(fd >= 0 && close(fd) == 0);
    run_self(argv[0], "child");

    CHECK(unlink(open_file) == 0 && unlink(private_file) == 0);
    CHECK(unlink(link_path) == 0 && unlink(file) == 0 && rmdir(dir) == 0);
    printf("fs_times ok\n");
    return 0;
}
