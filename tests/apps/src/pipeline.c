/* A 10-stage pipeline of processes: a generator child writes 256 MiB of a
   known pseudo-random stream, nine relay children pass it on, and the
   parent checks every byte and a checksum at the end. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

extern char** environ;

enum { kRelays = 9, kChunk = 65536 };
static const uint64_t kTotal = 256ull << 20;

static uint64_t next_word(uint64_t* state) {
    /* xorshift64* */
    uint64_t x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545F4914F6CDD1Dull;
}

static void fill(uint64_t* state, uint64_t* words, size_t count) {
    for (size_t i = 0; i < count; ++i) words[i] = next_word(state);
}

static int write_all(int fd, const void* data, size_t size) {
    const char* at = data;
    while (size) {
        ssize_t n = write(fd, at, size);
        if (n <= 0) return -1;
        at += n;
        size -= (size_t)n;
    }
    return 0;
}

static int generate(void) {
    static uint64_t words[kChunk / 8];
    uint64_t state = 0x9E3779B97F4A7C15ull;
    for (uint64_t sent = 0; sent < kTotal; sent += kChunk) {
        fill(&state, words, kChunk / 8);
        if (write_all(1, words, kChunk) != 0) return 1;
    }
    return 0;
}

static int relay(void) {
    static char buffer[kChunk];
    ssize_t n;
    /* Odd sizes on purpose, so that stages do not stay aligned. */
    while ((n = read(0, buffer, sizeof buffer - 1000)) > 0)
        if (write_all(1, buffer, (size_t)n) != 0) return 1;
    return n == 0 ? 0 : 1;
}

static pid_t spawn_stage(const char* mode, int in, int out) {
    posix_spawn_file_actions_t actions;
    CHECK(posix_spawn_file_actions_init(&actions) == 0);
    if (in >= 0) CHECK(posix_spawn_file_actions_adddup2(&actions, in, 0) == 0);
    CHECK(posix_spawn_file_actions_adddup2(&actions, out, 1) == 0);
    char* argv[] = {(char*)"pipeline", (char*)mode, NULL};
    pid_t pid;
    CHECK(posix_spawn(&pid, "/proc/self/exe", &actions, NULL, argv, environ) == 0);
    posix_spawn_file_actions_destroy(&actions);
    return pid;
}

int main(int argc, char** argv) {
    if (argc == 2 && strcmp(argv[1], "generate") == 0) return generate();
    if (argc == 2 && strcmp(argv[1], "relay") == 0) return relay();

    pid_t pids[kRelays + 1];
    int pipes[kRelays + 1][2];
    for (int i = 0; i <= kRelays; ++i) CHECK(pipe2(pipes[i], O_CLOEXEC) == 0);
    /* Every stage gets dup2'ed copies (without O_CLOEXEC) of its own ends only. */
    pids[0] = spawn_stage("generate", -1, pipes[0][1]);
    for (int i = 1; i <= kRelays; ++i) pids[i] = spawn_stage("relay", pipes[i - 1][0], pipes[i][1]);
    for (int i = 0; i <= kRelays; ++i) {
        CHECK(close(pipes[i][1]) == 0);
        if (i < kRelays) CHECK(close(pipes[i][0]) == 0);
    }

    int in = pipes[kRelays][0];
    static uint64_t expected[kChunk / 8];
    static unsigned char got[kChunk];
    uint64_t state = 0x9E3779B97F4A7C15ull;
    uint64_t received = 0, checksum = 1469598103934665603ull;
    size_t have = 0; /* bytes of `got` filled */
    while (received < kTotal) {
        ssize_t n = read(in, got + have, sizeof got - have);
        CHECK(n > 0);
        for (ssize_t i = 0; i < n; ++i) checksum = (checksum ^ got[have + i]) * 1099511628211ull;
        have += (size_t)n;
        if (have == sizeof got) {
            fill(&state, expected, kChunk / 8);
            CHECK(memcmp(got, expected, kChunk) == 0);
            received += kChunk;
            have = 0;
        }
    }
    char extra;
    CHECK(read(in, &extra, 1) == 0); /* EOF once every writer is gone */
    for (int i = 0; i <= kRelays; ++i) {
        int status;
        CHECK(waitpid(pids[i], &status, 0) == pids[i] && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    printf("pipeline ok: %llu MiB through %d processes, checksum %016llx\n", (unsigned long long)(kTotal >> 20),
           kRelays + 1, (unsigned long long)checksum);
    return 0;
}
