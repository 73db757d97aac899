/* Two processes, a parent and the child it posix_spawns, map the same
   /tmp file MAP_SHARED and pass messages through it: each store is seen
   by the other process at once (one copy of the page, no msync), and the
   handshake sleeps on shared futexes (FUTEX_WAIT without the PRIVATE
   flag) in the file's page, which must wake across processes. The child
   maps the file at an address of its own choosing, so the futex is the
   same page at two addresses. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

/* musl has no <linux/futex.h>. */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1

extern char** environ;

#define ROUNDS 200
#define PATH "/tmp/shared_file_ipc"

/* The file's first page. `turn` says who may go on: odd, the child
   (a message waits); even, the parent (the reply is there). */
struct Channel {
    _Atomic uint32_t turn;
    uint32_t pad;
    char message[64];
    char reply[64];
};

static void wait_while(_Atomic uint32_t* word, uint32_t value) {
    /* A short spin, then sleep in the kernel on the shared page. */
    for (int i = 0; i < 1000; ++i)
        if (atomic_load(word) != value) return;
    while (atomic_load(word) == value) {
        long r = syscall(SYS_futex, word, FUTEX_WAIT, value, NULL, NULL, 0);
        CHECK(r == 0 || errno == EAGAIN || errno == EINTR);
    }
}

static void advance(_Atomic uint32_t* word) {
    atomic_fetch_add(word, 1);
    CHECK(syscall(SYS_futex, word, FUTEX_WAKE, 1, NULL, NULL, 0) >= 0);
}

static struct Channel* map_channel(int fd) {
    void* p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(p != MAP_FAILED);
    return p;
}

static int child(void) {
    int fd = open(PATH, O_RDWR);
    CHECK(fd >= 0);
    struct Channel* channel = map_channel(fd);
    for (uint32_t round = 0; round < ROUNDS; ++round) {
        wait_while(&channel->turn, 2 * round);
        char expected[64];
        snprintf(expected, sizeof expected, "ping %u", round);
        CHECK(strcmp(channel->message, expected) == 0);
        snprintf(channel->reply, sizeof channel->reply, "pong %u", round);
        advance(&channel->turn);
    }
    /* A last word through write(): the parent sees it in its mapping. */
    CHECK(pwrite(fd, "bye", 4, 2048) == 4);
    advance(&channel->turn);
    CHECK(munmap(channel, 4096) == 0 && close(fd) == 0);
    return 0;
}

int main(int argc, char** argv) {
    if (argc > 1 && strcmp(argv[1], "child") == 0) return child();

    int fd = open(PATH, O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0);
    CHECK(ftruncate(fd, 4096) == 0);
    struct Channel* channel = map_channel(fd);

    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    CHECK(n > 0);
    self[n] = 0;
    pid_t pid;
    char* child_argv[] = {self, "child", NULL};
    CHECK(posix_spawn(&pid, self, NULL, NULL, child_argv, environ) == 0);

    for (uint32_t round = 0; round < ROUNDS; ++round) {
        snprintf(channel->message, sizeof channel->message, "ping %u", round);
        advance(&channel->turn);
        wait_while(&channel->turn, 2 * round + 1);
        char expected[64];
        snprintf(expected, sizeof expected, "pong %u", round);
        CHECK(strcmp(channel->reply, expected) == 0);
    }
    wait_while(&channel->turn, 2 * ROUNDS);
    CHECK(strcmp((char*)channel + 2048, "bye") == 0);

    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    /* And read() sees what the processes stored, without msync. */
    char text[16] = {0};
    CHECK(pread(fd, text, sizeof text - 1, offsetof(struct Channel, reply)) > 0);
    CHECK(strcmp(text, "pong 199") == 0);
    CHECK(munmap(channel, 4096) == 0 && close(fd) == 0 && unlink(PATH) == 0);
    puts("shared_file_ipc ok");
    return 0;
}
