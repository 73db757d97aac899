/* inotify on /tmp: the events of creating, writing, reading, opening,
   closing, changing attributes, moving and deleting, as Linux reports them
   to watches on a folder and on a file; watch flags (IN_ONLYDIR,
   IN_DONT_FOLLOW, IN_MASK_ADD, IN_MASK_CREATE, IN_ONESHOT, IN_EXCL_UNLINK);
   the same wd for the same inode; IN_IGNORED; coalescing; FIONREAD, poll
   and epoll readiness; changes made by another process. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "run_self.h"

static char dir[64];

static const char* at(const char* name) {
    static char paths[4][128];
    static int next;
    char* path = paths[next++ % 4];
    snprintf(path, 128, "%s/%s", dir, name);
    return path;
}

struct seen {
    int wd;
    uint32_t mask;
    uint32_t cookie;
    char name[64];
};

/* Reads every queued event (non-blocking fd). */
static int drain(int fd, struct seen* out, int max) {
    char buffer[4096] __attribute__((aligned(8)));
    int count = 0;
    while (1) {
        ssize_t n = read(fd, buffer, sizeof buffer);
        if (n < 0) {
            CHECK(errno == EAGAIN);
            return count;
        }
        for (ssize_t pos = 0; pos < n;) {
            struct inotify_event* e = (struct inotify_event*)(buffer + pos);
            CHECK(e->len % 16 == 0);
            CHECK(count < max);
            out[count].wd = e->wd;
            out[count].mask = e->mask;
            out[count].cookie = e->cookie;
            snprintf(out[count].name, sizeof out[count].name, "%s", e->len ? e->name : "");
            ++count;
            pos += (ssize_t)sizeof *e + e->len;
        }
    }
}

/* The events must be exactly these, in order: "wd mask name" triples. */
static void expect(int fd, int n, const struct seen* wanted) {
    struct seen got[64];
    int count = drain(fd, got, 64);
    for (int i = 0; i < count && i < n; ++i) {
        if (got[i].wd != wanted[i].wd || got[i].mask != wanted[i].mask || strcmp(got[i].name, wanted[i].name) != 0) {
            fprintf(stderr, "event %d: got wd %d mask %#x name '%s', wanted wd %d mask %#x name '%s'\n", i, got[i].wd,
                    got[i].mask, got[i].name, wanted[i].wd, wanted[i].mask, wanted[i].name);
            if (!getenv("NOTIFY_DUMP")) CHECK(0);
        }
    }
    if (count != n || getenv("NOTIFY_DUMP"))
        for (int i = 0; i < count; ++i) fprintf(stderr, "  %d %#x %u %s\n", got[i].wd, got[i].mask, got[i].cookie, got[i].name);
    if (count != n) fprintf(stderr, "got %d events, wanted %d\n", count, n);
    CHECK(count == n);
}

static void write_file(const char* path, const char* text) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text) && close(fd) == 0);
}

int main(int argc, char** argv) {
    snprintf(dir, sizeof dir, "/tmp/notify-%d", test_pid(argc, argv));
    if (argc > 1 && strcmp(argv[1], "writer") == 0) {
        write_file(at("from-child"), "child");
        return 0;
    }
    CHECK(mkdir(dir, 0755) == 0);
    int in = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    CHECK(in >= 0);
    CHECK((fcntl(in, F_GETFD) & FD_CLOEXEC) && (fcntl(in, F_GETFL) & O_NONBLOCK));
    char buffer[64];
    CHECK(read(in, buffer, sizeof buffer) == -1 && errno == EAGAIN);
    CHECK(inotify_init1(IN_NONBLOCK << 1) == -1 && errno == EINVAL);

    int wd = inotify_add_watch(in, dir, IN_ALL_EVENTS);
    CHECK(wd > 0);
    CHECK(inotify_add_watch(in, dir, IN_ALL_EVENTS) == wd); /* the same inode, the same wd */

    /* Create, write, close. */
    write_file(at("a"), "hello");
    struct seen create_write[] = {{wd, IN_CREATE, 0, "a"}, {wd, IN_OPEN, 0, "a"}, {wd, IN_MODIFY, 0, "a"},
                                  {wd, IN_CLOSE_WRITE, 0, "a"}};
    expect(in, 4, create_write);

    /* Read: open, access, close-nowrite; a file watch and the folder watch both see it. */
    int file_wd = inotify_add_watch(in, at("a"), IN_ACCESS | IN_CLOSE | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF);
    CHECK(file_wd > 0 && file_wd != wd);
    int fd = open(at("a"), O_RDONLY);
    CHECK(fd >= 0 && read(fd, buffer, 2) == 2 && read(fd, buffer, 2) == 2 && close(fd) == 0);
    /* The folder's watch hears first, as on Linux. */
    struct seen reading[] = {{wd, IN_OPEN, 0, "a"},         {wd, IN_ACCESS, 0, "a"},
                             {file_wd, IN_ACCESS, 0, ""},   {wd, IN_ACCESS, 0, "a"},
                             {file_wd, IN_ACCESS, 0, ""},   {wd, IN_CLOSE_NOWRITE, 0, "a"},
                             {file_wd, IN_CLOSE_NOWRITE, 0, ""}};
    expect(in, 7, reading);

    /* Identical consecutive events merge: two writes in a row give one IN_MODIFY. */
    fd = open(at("a"), O_WRONLY);
    CHECK(fd >= 0);
    struct seen opened[] = {{wd, IN_OPEN, 0, "a"}};
    expect(in, 1, opened);
    CHECK(write(fd, "x", 1) == 1 && write(fd, "y", 1) == 1);
    int queued = -1;
    CHECK(ioctl(in, FIONREAD, &queued) == 0 && queued == (int)(sizeof(struct inotify_event) + 16));
    struct pollfd pfd = {in, POLLIN, 0};
    CHECK(poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLIN));
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = in};
    CHECK(ep >= 0 && epoll_ctl(ep, EPOLL_CTL_ADD, in, &ev) == 0);
    CHECK(epoll_wait(ep, &ev, 1, 0) == 1 && ev.data.fd == in);
    CHECK(close(fd) == 0);
    struct seen modified[] = {{wd, IN_MODIFY, 0, "a"}, {wd, IN_CLOSE_WRITE, 0, "a"}, {file_wd, IN_CLOSE_WRITE, 0, ""}};
    expect(in, 3, modified);
    CHECK(poll(&pfd, 1, 0) == 0 && epoll_wait(ep, &ev, 1, 0) == 0);
    CHECK(ioctl(in, FIONREAD, &queued) == 0 && queued == 0);

    /* A read buffer too small for the first event is EINVAL. */
    CHECK(chmod(at("a"), 0600) == 0);
    CHECK(read(in, buffer, sizeof(struct inotify_event)) == -1 && errno == EINVAL);
    struct seen attrib[] = {{wd, IN_ATTRIB, 0, "a"}, {file_wd, IN_ATTRIB, 0, ""}};
    expect(in, 2, attrib);

    /* Folders: IN_ISDIR. */
    CHECK(mkdir(at("sub"), 0755) == 0 && rmdir(at("sub")) == 0);
    struct seen folders[] = {{wd, IN_CREATE | IN_ISDIR, 0, "sub"}, {wd, IN_DELETE | IN_ISDIR, 0, "sub"}};
    expect(in, 2, folders);

    /* Moves: a cookie ties IN_MOVED_FROM to IN_MOVED_TO; the file sees IN_MOVE_SELF. */
    CHECK(rename(at("a"), at("b")) == 0);
    struct seen moves[3];
    CHECK(drain(in, moves, 3) == 3);
    CHECK(moves[0].wd == wd && moves[0].mask == IN_MOVED_FROM && strcmp(moves[0].name, "a") == 0);
    CHECK(moves[1].wd == wd && moves[1].mask == IN_MOVED_TO && strcmp(moves[1].name, "b") == 0);
    CHECK(moves[0].cookie != 0 && moves[0].cookie == moves[1].cookie);
    CHECK(moves[2].wd == file_wd && moves[2].mask == IN_MOVE_SELF);

    /* Delete: the link count (IN_ATTRIB), IN_DELETE_SELF and IN_IGNORED on the file, IN_DELETE on the folder. */
    CHECK(unlink(at("b")) == 0);
    struct seen deleted[] = {{file_wd, IN_ATTRIB, 0, ""},
                             {file_wd, IN_DELETE_SELF, 0, ""},
                             {file_wd, IN_IGNORED, 0, ""},
                             {wd, IN_DELETE, 0, "b"}};
    expect(in, 4, deleted);
    CHECK(inotify_rm_watch(in, file_wd) == -1 && errno == EINVAL);

    /* Watch flags. */
    write_file(at("f"), "f");
    drain(in, (struct seen[8]){0}, 8);
    CHECK(inotify_add_watch(in, at("f"), IN_ONLYDIR | IN_ALL_EVENTS) == -1 && errno == ENOTDIR);
    CHECK(symlink("f", at("l")) == 0);
    drain(in, (struct seen[8]){0}, 8);
    int link_wd = inotify_add_watch(in, at("l"), IN_DONT_FOLLOW | IN_ATTRIB);
    int f_wd = inotify_add_watch(in, at("l"), IN_ATTRIB); /* follows the link: the file */
    CHECK(link_wd > 0 && f_wd > 0 && link_wd != f_wd);
    CHECK(inotify_add_watch(in, at("f"), IN_ATTRIB | IN_MASK_CREATE) == -1 && errno == EEXIST);
    CHECK(inotify_add_watch(in, at("f"), IN_ATTRIB | IN_MASK_CREATE | IN_MASK_ADD) == -1 && errno == EINVAL);
    CHECK(inotify_add_watch(in, at("f"), IN_MODIFY | IN_MASK_ADD | IN_ONESHOT) == f_wd);
    CHECK(inotify_add_watch(in, at("f"), 0) == -1 && errno == EINVAL);
    CHECK(inotify_add_watch(in, at("missing"), IN_ALL_EVENTS) == -1 && errno == ENOENT);
    CHECK(inotify_add_watch(ep, dir, IN_ALL_EVENTS) == -1 && errno == EINVAL);
    CHECK(inotify_rm_watch(in, wd) == 0); /* the folder's watch goes: IN_IGNORED */
    struct seen ignored[] = {{wd, IN_IGNORED, 0, ""}};
    expect(in, 1, ignored);
    CHECK(chmod(at("f"), 0600) == 0); /* IN_ATTRIB (mask kept by IN_MASK_ADD), then the one shot ends */
    struct seen oneshot[] = {{f_wd, IN_ATTRIB, 0, ""}, {f_wd, IN_IGNORED, 0, ""}};
    expect(in, 2, oneshot);
    CHECK(chmod(at("f"), 0644) == 0);
    expect(in, 0, NULL);
    CHECK(lchown(at("l"), 0, 0) == 0);
    struct seen link_attrib[] = {{link_wd, IN_ATTRIB, 0, ""}};
    expect(in, 1, link_attrib);

    /* IN_EXCL_UNLINK: a file unlinked while open no longer reports through its folder. */
    wd = inotify_add_watch(in, dir, IN_MODIFY | IN_EXCL_UNLINK);
    fd = open(at("f"), O_WRONLY);
    CHECK(fd >= 0 && unlink(at("f")) == 0 && write(fd, "z", 1) == 1 && close(fd) == 0);
    expect(in, 0, NULL);

    /* Another process's changes reach the watch; a blocking read waits for them. */
    wd = inotify_add_watch(in, dir, IN_CLOSE_WRITE);
    int blocking = inotify_init();
    CHECK(blocking >= 0);
    int blocking_wd = inotify_add_watch(blocking, dir, IN_CLOSE_WRITE);
    pid_t pid = spawn_self(argv[0], "writer");
    char event_buffer[256] __attribute__((aligned(8)));
    ssize_t n = read(blocking, event_buffer, sizeof event_buffer);
    struct inotify_event* e = (struct inotify_event*)event_buffer;
    CHECK(n == (ssize_t)(sizeof *e + e->len) && e->wd == blocking_wd && e->mask == IN_CLOSE_WRITE);
    CHECK(strcmp(e->name, "from-child") == 0);
    reap(pid);
    struct seen child_write[] = {{wd, IN_CLOSE_WRITE, 0, "from-child"}};
    expect(in, 1, child_write);

    CHECK(close(blocking) == 0 && close(ep) == 0 && close(in) == 0);
    CHECK(unlink(at("from-child")) == 0 && unlink(at("l")) == 0 && rmdir(dir) == 0);
    printf("fs_notify ok\n");
    return 0;
}
