/* Several processes (this program run again) take turns in a critical
   section guarded by a System V semaphore, each adding to a counter in a
   shared memory segment: no increment may be lost, and a process that
   exits inside the section (SEM_UNDO) must not leave it locked. */
#define _GNU_SOURCE
#include <sched.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

extern char** environ;

enum { kWorkers = 4, kRounds = 500 };

struct shared {
    long counter;
    long inside;  /* processes in the critical section: never more than one */
};

static void lock(int sem) {
    struct sembuf take = {0, -1, SEM_UNDO};
    CHECK(semop(sem, &take, 1) == 0);
}

static void unlock(int sem) {
    struct sembuf give = {0, 1, SEM_UNDO};
    CHECK(semop(sem, &give, 1) == 0);
}

static int worker(int sem, int shm, int dies_inside) {
    struct shared* s = shmat(shm, NULL, 0);
    CHECK(s != (void*)-1);
    for (int i = 0; i < kRounds; ++i) {
        lock(sem);
        CHECK(++s->inside == 1);
        long value = s->counter;
        if (i % 7 == 0) sched_yield();
        s->counter = value + 1;
        --s->inside;
        if (dies_inside && i == kRounds - 1) _exit(0); /* SEM_UNDO gives the semaphore back */
        unlock(sem);
    }
    return 0;
}

int main(int argc, char** argv) {
    if (argc == 5) return worker(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]));
    int sem = semget(IPC_PRIVATE, 1, 0600);
    int shm = shmget(IPC_PRIVATE, sizeof(struct shared), 0600);
    CHECK(sem >= 0 && shm >= 0);
    CHECK(semctl(sem, 0, SETVAL, 1) == 0);
    pid_t pids[kWorkers];
    for (int w = 0; w < kWorkers; ++w) {
        char sem_text[16], shm_text[16], dies[4];
        snprintf(sem_text, sizeof sem_text, "%d", sem);
        snprintf(shm_text, sizeof shm_text, "%d", shm);
        snprintf(dies, sizeof dies, "%d", w == 0);
        char* child_argv[] = {(char*)"sysv_mutex", (char*)"worker", sem_text, shm_text, dies, NULL};
        CHECK(posix_spawn(&pids[w], "/proc/self/exe", NULL, NULL, child_argv, environ) == 0);
    }
    for (int w = 0; w < kWorkers; ++w) {
        int status;
        CHECK(waitpid(pids[w], &status, 0) == pids[w] && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    struct shared* s = shmat(shm, NULL, SHM_RDONLY);
    CHECK(s != (void*)-1);
    CHECK(s->counter == kWorkers * kRounds && s->inside == 0);
    CHECK(semctl(sem, 0, GETVAL) == 1);
    CHECK(shmdt(s) == 0 && shmctl(shm, IPC_RMID, NULL) == 0 && semctl(sem, 0, IPC_RMID) == 0);
    puts("sysv_mutex ok");
    return 0;
}
