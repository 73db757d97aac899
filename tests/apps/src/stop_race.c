/* A SIGSTOP that reaches a process while the LibOS serves it (a syscall,
   or a page of a private file mapping read in on first touch) just before
   it goes back to a loop that makes no more syscalls: the stop must still
   be taken and reported to waitpid (it used to be lost there, and waitpid
   hung). Many rounds, each stopping the child at a different point of
   a run of such faults, make the unlucky timing likely; an alarm turns a hang
   into a failure. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

extern char** environ;

enum { kRounds = 100, kTimeLimitSeconds = 30, kWindow = 64 * 1024, kMaxWindows = 8 };

/* Makes the program file (which the child maps) hold enough windows. */
__attribute__((used)) static const unsigned char ballast[kMaxWindows * kWindow] = {1};

struct shared {
    volatile unsigned round;
    volatile unsigned faulting;  /* the round whose faults the child began */
    volatile unsigned mapped;
    volatile unsigned long touched;
};

static pid_t child;
static int segment = -1;

/* However the test ends: no child or segment left behind. */
static void clean_up(void) {
    if (child > 0) kill(child, SIGKILL);
    if (segment >= 0) shmctl(segment, IPC_RMID, NULL);
}

static void on_alarm(int signal) {
    (void)signal;
    static const char message[] = "stop_race: waitpid never saw the child stop\n";
    (void)!write(2, message, sizeof message - 1);
    exit(1);
}

/* The child: for each new round it drops the pages of a private file
   mapping of its program file and reads a page of each fill window again
   (the LibOS reads the host file in on each fault, and has no look at
   pending signals before going back), then
   spins in application code until the next round. */
static void run_child(int id) {
    struct shared* shared = shmat(id, NULL, 0);
    CHECK(shared != (void*)-1);
    int fd = open("/proc/self/exe", O_RDONLY);
    CHECK(fd >= 0);
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && st.st_size >= kMaxWindows * kWindow);
    volatile unsigned char* page = mmap(NULL, kMaxWindows * kWindow, PROT_READ, MAP_PRIVATE, fd, 0);
    CHECK(page != MAP_FAILED);
    shared->mapped = 1;
    unsigned seen = 0;
    for (;;) {
        while (shared->round == seen) {
        }
        seen = shared->round;
        CHECK(madvise((void*)page, kMaxWindows * kWindow, MADV_DONTNEED) == 0);
        shared->faulting = seen;
        for (int i = 0; i < kMaxWindows; ++i) (void)page[i * kWindow + (seen % (kWindow / 4096)) * 4096];
        shared->touched = shared->touched + 1;
    }
}

int main(int argc, char** argv) {
    if (argc == 3 && strcmp(argv[1], "child") == 0) run_child(atoi(argv[2]));
    CHECK(atexit(clean_up) == 0);
    int id = shmget(IPC_PRIVATE, sizeof(struct shared), IPC_CREAT | 0600);
    CHECK(id >= 0);
    segment = id;
    struct shared* shared = shmat(id, NULL, 0);
    CHECK(shared != (void*)-1);

    char id_text[16];
    snprintf(id_text, sizeof id_text, "%d", id);
    char* child_argv[] = {(char*)"stop_race", (char*)"child", id_text, NULL};
    CHECK(posix_spawn(&child, "/proc/self/exe", NULL, NULL, child_argv, environ) == 0);
    CHECK(signal(SIGALRM, on_alarm) != SIG_ERR);
    alarm(kTimeLimitSeconds);
    while (!shared->mapped) usleep(1000);

    for (unsigned round = 1; round <= kRounds; ++round) {
        shared->round = round;
        /* Stopped while it faults, at a different point each round. */
        while (shared->faulting != round) sched_yield();
        for (volatile unsigned spin = (round * 2654435761u) % 4096; spin > 0; --spin) {
        }
        int status;
        CHECK(kill(child, SIGSTOP) == 0);
        CHECK(waitpid(child, &status, WUNTRACED) == child && WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP);
        CHECK(kill(child, SIGCONT) == 0);
        CHECK(waitpid(child, &status, WCONTINUED) == child && WIFCONTINUED(status));
    }
    alarm(0);
    /* The child read its pages between the stops. */
    CHECK(shared->touched > 0);
    int status;
    CHECK(kill(child, SIGKILL) == 0);
    CHECK(waitpid(child, &status, 0) == child && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    child = 0;
    CHECK(shmdt((void*)shared) == 0);
    CHECK(shmctl(id, IPC_RMID, NULL) == 0);
    segment = -1;
    printf("stop_race ok\n");
    return 0;
}
