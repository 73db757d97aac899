/* System V semaphores between processes: the child is this program run
   again with a role. SEM_UNDO is applied when a process exits, a blocked
   semop is completed by another process, IPC_RMID wakes waiters with
   EIDRM, and a signal ends a wait with EINTR (never restarted). */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

extern char** environ;

union semun {
    int val;
    struct semid_ds* buf;
    unsigned short* array;
    struct seminfo* __buf;
};

static pid_t spawn_role(const char* role, int id) {
    char number[16];
    snprintf(number, sizeof number, "%d", id);
    char* argv[] = {(char*)"sysv_sem", (char*)role, number, NULL};
    pid_t pid;
    CHECK(posix_spawn(&pid, "/proc/self/exe", NULL, NULL, argv, environ) == 0);
    return pid;
}

static void reap(pid_t pid) {
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static int op(int id, unsigned short num, short value, short flags) {
    struct sembuf b = {num, value, flags};
    return semop(id, &b, 1);
}

/* Waits (yielding) until `count` processes wait for semaphore `num` to grow. */
static void wait_for_ncnt(int id, int num, int count) {
    while (semctl(id, num, GETNCNT) != count) {
        CHECK(semctl(id, num, GETNCNT) >= 0);
        sched_yield();
    }
}

static int child(const char* role, int id) {
    if (strcmp(role, "hold") == 0) {
        /* Takes semaphore 0 with SEM_UNDO, tells the parent through
           semaphore 1, and exits holding it. */
        CHECK(op(id, 0, -1, SEM_UNDO) == 0);
        CHECK(op(id, 1, 1, 0) == 0);
        return 0;
    }
    if (strcmp(role, "wait") == 0) {
        CHECK(op(id, 0, -1, 0) == 0);
        return 0;
    }
    if (strcmp(role, "post") == 0) {
        wait_for_ncnt(id, 0, 1);
        struct sembuf both[2] = {{0, 1, 0}, {0, 1, 0}};
        CHECK(semop(id, both, 2) == 0);
        return 0;
    }
    if (strcmp(role, "nobody") == 0) {
        /* Another user: the 0600 set is closed to it, and not its to remove. */
        CHECK(setgid(65534) == 0 && setuid(65534) == 0);
        CHECK(op(id, 0, 1, IPC_NOWAIT) == -1 && errno == EACCES);
        CHECK(semctl(id, 0, GETVAL) == -1 && errno == EACCES);
        CHECK(semctl(id, 0, IPC_RMID) == -1 && errno == EPERM);
        return 0;
    }
    if (strcmp(role, "remove") == 0) {
        wait_for_ncnt(id, 0, 1);
        CHECK(semctl(id, 0, IPC_RMID) == 0);
        return 0;
    }
    return 2;
}

static void on_alarm(int signal) { (void)signal; }

int main(int argc, char** argv) {
    if (argc == 3) return child(argv[1], atoi(argv[2]));

    /* Keys, creation and lookups. */
    key_t key = 0x5e3a0000 + (getpid() & 0xffff);
    int id = semget(key, 2, IPC_CREAT | IPC_EXCL | 0600);
    CHECK(id >= 0);
    CHECK(semget(key, 2, IPC_CREAT | IPC_EXCL | 0600) == -1 && errno == EEXIST);
    CHECK(semget(key, 1, 0) == id && semget(key, 0, 0) == id);
    CHECK(semget(key, 3, 0) == -1 && errno == EINVAL);
    CHECK(semget(key + 1, 1, 0) == -1 && errno == ENOENT);
    CHECK(semget(IPC_PRIVATE, 0, IPC_CREAT) == -1 && errno == EINVAL);
    CHECK(semget(IPC_PRIVATE, 32001, IPC_CREAT) == -1 && errno == EINVAL);
    CHECK(semget(IPC_PRIVATE, -1, IPC_CREAT) == -1 && errno == EINVAL);

    /* Values, ranges, the whole set at once. */
    CHECK(semctl(id, 0, GETVAL) == 0);
    CHECK(semctl(id, 0, SETVAL, (union semun){.val = 32768}) == -1 && errno == ERANGE);
    CHECK(semctl(id, 2, GETVAL) == -1 && errno == EINVAL);
    unsigned short values[2] = {3, 4};
    CHECK(semctl(id, 0, SETALL, (union semun){.array = values}) == 0);
    memset(values, 0, sizeof values);
    CHECK(semctl(id, 0, GETALL, (union semun){.array = values}) == 0 && values[0] == 3 && values[1] == 4);
    CHECK(semctl(id, 1, GETPID) == getpid());

    /* Several operations apply together or not at all. */
    struct sembuf ops[2] = {{1, 1, 0}, {0, -4, IPC_NOWAIT}};
    CHECK(semop(id, ops, 2) == -1 && errno == EAGAIN);
    CHECK(semctl(id, 1, GETVAL) == 4);
    ops[1].sem_op = -3;
    CHECK(semop(id, ops, 2) == 0);
    CHECK(semctl(id, 0, GETVAL) == 0 && semctl(id, 1, GETVAL) == 5);
    struct sembuf range[1] = {{1, 32767, 0}};
    CHECK(semop(id, range, 1) == -1 && errno == ERANGE);
    struct sembuf bad[1] = {{2, 1, 0}};
    CHECK(semop(id, bad, 1) == -1 && errno == EFBIG);
    CHECK(semop(id, ops, 0) == -1 && errno == EINVAL);
    CHECK(op(id, 1, 0, IPC_NOWAIT) == -1 && errno == EAGAIN);  /* wait-for-zero on 5 */
    struct timespec short_wait = {0, 20 * 1000 * 1000};
    struct sembuf take[1] = {{0, -1, 0}};
    CHECK(semtimedop(id, take, 1, &short_wait) == -1 && errno == EAGAIN);
    struct timespec bad_time = {0, 1000000000};
    CHECK(semtimedop(id, take, 1, &bad_time) == -1 && errno == EINVAL);

    /* A signal ends a wait with EINTR even under SA_RESTART. */
    struct sigaction action = {0};
    action.sa_handler = on_alarm;
    action.sa_flags = SA_RESTART;
    CHECK(sigaction(SIGALRM, &action, NULL) == 0);
    /* Repeating: a first signal may come before the call waits. */
    struct itimerval timer = {{0, 20000}, {0, 20000}};
    CHECK(setitimer(ITIMER_REAL, &timer, NULL) == 0);
    CHECK(op(id, 0, -1, 0) == -1 && errno == EINTR);
    struct itimerval off = {{0, 0}, {0, 0}};
    CHECK(setitimer(ITIMER_REAL, &off, NULL) == 0);

    /* SEM_UNDO: the child takes semaphore 0 and exits; its exit gives it back. */
    CHECK(semctl(id, 0, SETVAL, (union semun){.val = 1}) == 0);
    CHECK(semctl(id, 1, SETVAL, (union semun){.val = 0}) == 0);
    pid_t holder = spawn_role("hold", id);
    CHECK(op(id, 1, -1, 0) == 0);  /* the child has taken it */
    CHECK(semctl(id, 0, GETPID) == holder);
    CHECK(op(id, 0, -1, 0) == 0);  /* blocks until the child's exit undoes its take */
    reap(holder);
    CHECK(semctl(id, 0, GETVAL) == 0);

    /* A blocked semop completed by another process. */
    pid_t poster = spawn_role("post", id);
    CHECK(op(id, 0, -2, 0) == 0);
    CHECK(semctl(id, 0, GETVAL) == 0);
    reap(poster);

    reap(spawn_role("nobody", id));

    /* Waiters are served in the order they came, as Linux does. */
    pid_t first = spawn_role("wait", id);
    wait_for_ncnt(id, 0, 1);
    pid_t second = spawn_role("wait", id);
    wait_for_ncnt(id, 0, 2);
    int status;
    CHECK(op(id, 0, 1, 0) == 0);
    CHECK(waitpid(-1, &status, 0) == first && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(semctl(id, 0, GETNCNT) == 1);
    CHECK(op(id, 0, 1, 0) == 0);
    reap(second);

    /* IPC_STAT, IPC_SET, the info calls. */
    struct semid_ds ds;
    CHECK(semctl(id, 0, IPC_STAT, (union semun){.buf = &ds}) == 0);
    CHECK(ds.sem_nsems == 2 && ds.sem_perm.__key == key && (ds.sem_perm.mode & 0777) == 0600);
    CHECK(ds.sem_otime > 0 && ds.sem_ctime > 0);
    ds.sem_perm.mode = 0640;
    CHECK(semctl(id, 0, IPC_SET, (union semun){.buf = &ds}) == 0);
    CHECK(semctl(id, 0, IPC_STAT, (union semun){.buf = &ds}) == 0 && (ds.sem_perm.mode & 0777) == 0640);
    struct seminfo info;
    int highest = semctl(0, 0, SEM_INFO, (union semun){.__buf = &info});
    CHECK(highest >= 0 && info.semusz >= 1 && info.semaem >= 2);
    CHECK(semctl(0, 0, IPC_INFO, (union semun){.__buf = &info}) == highest);
    CHECK(info.semmsl == 32000 && info.semopm == 500 && info.semvmx == 32767);
    int found = 0;
    for (int index = 0; index <= highest; ++index)
        if (semctl(index, 0, SEM_STAT, (union semun){.buf = &ds}) == id) found = 1;
    CHECK(found);

    /* IPC_RMID wakes a waiter with EIDRM; the id is gone afterwards. */
    pid_t remover = spawn_role("remove", id);
    CHECK(op(id, 0, -1, 0) == -1 && errno == EIDRM);
    reap(remover);
    CHECK(semctl(id, 0, GETVAL) == -1 && errno == EINVAL);
    CHECK(semget(key, 1, 0) == -1 && errno == ENOENT);

    /* A private set is never found by key. */
    int private_id = semget(IPC_PRIVATE, 1, 0600);
    CHECK(private_id >= 0 && private_id != id);
    CHECK(semctl(private_id, 0, IPC_RMID) == 0);
    puts("sysv_sem ok");
    return 0;
}
