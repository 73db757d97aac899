/* Debian's ipcs (util-linux) reads /proc/sysvipc and /proc/sys/kernel: it
   must list a segment, a semaphore set and a queue this program made,
   with their sizes, and the limits Linux has by default. */
#define _GNU_SOURCE
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

extern char** environ;

/* Runs ipcs with one option and returns what it printed. */
static void run_ipcs(const char* option, char* out, size_t size) {
    int pipe_fds[2];
    CHECK(pipe(pipe_fds) == 0);
    posix_spawn_file_actions_t actions;
    CHECK(posix_spawn_file_actions_init(&actions) == 0);
    CHECK(posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1) == 0);
    CHECK(posix_spawn_file_actions_addclose(&actions, pipe_fds[0]) == 0);
    char* argv[] = {(char*)"ipcs", (char*)option, NULL};
    pid_t pid;
    CHECK(posix_spawn(&pid, "/usr/bin/ipcs", &actions, NULL, argv, environ) == 0);
    CHECK(close(pipe_fds[1]) == 0);
    size_t length = 0;
    ssize_t n;
    while (length + 1 < size && (n = read(pipe_fds[0], out + length, size - 1 - length)) > 0) length += (size_t)n;
    out[length] = '\0';
    CHECK(close(pipe_fds[0]) == 0);
    int status;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    posix_spawn_file_actions_destroy(&actions);
}

/* The line of `text` that starts with `key`, split into its columns. */
static int columns_of(const char* text, const char* key, char columns[8][32]) {
    const char* line = strstr(text, key);
    CHECK(line != NULL);
    return sscanf(line, "%31s %31s %31s %31s %31s %31s %31s", columns[0], columns[1], columns[2], columns[3],
                  columns[4], columns[5], columns[6]);
}

int main(void) {
    int shm = shmget(0x0cea5101, 8192, IPC_CREAT | IPC_EXCL | 0640);
    int sem = semget(0x0cea5102, 3, IPC_CREAT | IPC_EXCL | 0600);
    int msg = msgget(0x0cea5103, IPC_CREAT | IPC_EXCL | 0666);
    CHECK(shm >= 0 && sem >= 0 && msg >= 0);
    void* at = shmat(shm, NULL, 0);
    CHECK(at != (void*)-1);
    struct {
        long type;
        char text[5];
    } message = {1, "abcd"};
    CHECK(msgsnd(msg, &message, 5, 0) == 0);

    static char out[16384];
    char c[8][32];
    run_ipcs("-m", out, sizeof out);
    CHECK(columns_of(out, "0x0cea5101", c) == 6);  /* key shmid owner perms bytes nattch */
    CHECK(atoi(c[1]) == shm && strcmp(c[3], "640") == 0 && strcmp(c[4], "8192") == 0 && strcmp(c[5], "1") == 0);
    run_ipcs("-s", out, sizeof out);
    CHECK(columns_of(out, "0x0cea5102", c) == 5);  /* key semid owner perms nsems */
    CHECK(atoi(c[1]) == sem && strcmp(c[3], "600") == 0 && strcmp(c[4], "3") == 0);
    run_ipcs("-q", out, sizeof out);
    CHECK(columns_of(out, "0x0cea5103", c) == 6);  /* key msqid owner perms used-bytes messages */
    CHECK(atoi(c[1]) == msg && strcmp(c[3], "666") == 0 && strcmp(c[4], "5") == 0 && strcmp(c[5], "1") == 0);
    run_ipcs("-l", out, sizeof out);
    CHECK(strstr(out, "max number of segments = 4096") != NULL);
    CHECK(strstr(out, "max semaphores per array = 32000") != NULL);
    CHECK(strstr(out, "max size of message (bytes) = 8192") != NULL);

    /* Removed while attached: ipcs shows it as "dest" until the detach. */
    CHECK(shmctl(shm, IPC_RMID, NULL) == 0);
    run_ipcs("-m", out, sizeof out);
    CHECK(strstr(out, "dest") != NULL);
    CHECK(shmdt(at) == 0);
    CHECK(semctl(sem, 0, IPC_RMID) == 0 && msgctl(msg, IPC_RMID, NULL) == 0);
    run_ipcs("-m", out, sizeof out);
    CHECK(strstr(out, "dest") == NULL);
    puts("sysv_ipcs ok");
    return 0;
}
