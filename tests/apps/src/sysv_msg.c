/* System V message queues: type selection (0, >0, <0, MSG_EXCEPT),
   MSG_NOERROR and E2BIG, the limits, msgctl, and two processes (this
   program run again as the child) blocking on each other both ways. */
#define _GNU_SOURCE
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

#ifndef MSG_COPY
#define MSG_COPY 040000 /* musl leaves it out */
#endif

extern char** environ;

struct message {
    long type;
    char text[64];
};

static int send(int id, long type, const char* text, int flags) {
    struct message m = {type, {0}};
    strcpy(m.text, text);
    return msgsnd(id, &m, strlen(text) + 1, flags);
}

/* Receives a message and checks its type and text. */
static void expect(int id, long want_type, int flags, long got_type, const char* text) {
    struct message m;
    ssize_t n = msgrcv(id, &m, sizeof m.text, want_type, flags);
    CHECK(n == (ssize_t)strlen(text) + 1);
    CHECK(m.type == got_type && strcmp(m.text, text) == 0);
}

/* The child: answers type 5 with type 6, then drains a full queue. */
static int child(int id) {
    expect(id, 5, 0, 5, "question");
    CHECK(send(id, 6, "answer", 0) == 0);
    /* The parent fills the queue and blocks sending one more. */
    struct message m;
    CHECK(msgrcv(id, &m, sizeof m.text, 7, 0) > 0);
    return 0;
}

static void on_alarm(int signal) { (void)signal; }

int main(int argc, char** argv) {
    if (argc == 3) return child(atoi(argv[2]));

    key_t key = 0x3e5a0000 + (getpid() & 0xffff);
    int id = msgget(key, IPC_CREAT | IPC_EXCL | 0600);
    CHECK(id >= 0);
    CHECK(msgget(key, IPC_CREAT | IPC_EXCL) == -1 && errno == EEXIST);
    CHECK(msgget(key, 0) == id);
    CHECK(msgget(key + 1, 0) == -1 && errno == ENOENT);

    /* Selection by type. */
    CHECK(send(id, 3, "three", 0) == 0);
    CHECK(send(id, 1, "one", 0) == 0);
    CHECK(send(id, 2, "two", 0) == 0);
    CHECK(send(id, 1, "one again", 0) == 0);
    expect(id, 2, IPC_NOWAIT, 2, "two");
    expect(id, -2, IPC_NOWAIT, 1, "one");
    expect(id, 1, IPC_NOWAIT | MSG_EXCEPT, 3, "three");
    expect(id, 0, IPC_NOWAIT, 1, "one again");
    struct message m;
    CHECK(msgrcv(id, &m, sizeof m.text, 0, IPC_NOWAIT) == -1 && errno == ENOMSG);

    /* A handler ends a wait with EINTR, even under SA_RESTART (signal(7)). */
    struct sigaction action = {0};
    action.sa_handler = on_alarm;
    action.sa_flags = SA_RESTART;
    CHECK(sigaction(SIGALRM, &action, NULL) == 0);
    /* Repeating: a first signal may come before the call waits. */
    struct itimerval timer = {{0, 20000}, {0, 20000}};
    CHECK(setitimer(ITIMER_REAL, &timer, NULL) == 0);
    CHECK(msgrcv(id, &m, sizeof m.text, 0, 0) == -1 && errno == EINTR);
    struct itimerval off = {{0, 0}, {0, 0}};
    CHECK(setitimer(ITIMER_REAL, &off, NULL) == 0);

    /* MSG_COPY: the message at an index, left in the queue. */
    CHECK(send(id, 8, "copied", 0) == 0);
    CHECK(msgrcv(id, &m, sizeof m.text, 0, IPC_NOWAIT | MSG_COPY) == 7 && m.type == 8);
    CHECK(msgrcv(id, &m, sizeof m.text, 1, IPC_NOWAIT | MSG_COPY) == -1 && errno == ENOMSG);
    CHECK(msgrcv(id, &m, sizeof m.text, 0, MSG_COPY) == -1 && errno == EINVAL);
    expect(id, 8, IPC_NOWAIT, 8, "copied");

    /* Too long for the buffer: E2BIG leaves it queued, MSG_NOERROR truncates. */
    CHECK(send(id, 4, "a longer text", 0) == 0);
    CHECK(msgrcv(id, &m, 4, 0, IPC_NOWAIT) == -1 && errno == E2BIG);
    memset(m.text, 0, sizeof m.text);
    CHECK(msgrcv(id, &m, 4, 0, IPC_NOWAIT | MSG_NOERROR) == 4 && memcmp(m.text, "a lo", 4) == 0 && m.text[4] == 0);

    /* Bad sends. */
    CHECK(send(id, 0, "zero", IPC_NOWAIT) == -1 && errno == EINVAL);
    static char big[8192 + 8 + 1];
    CHECK(msgsnd(id, big, 8193, IPC_NOWAIT) == -1 && errno == EINVAL);
    CHECK(msgrcv(id + 1, &m, sizeof m.text, 0, IPC_NOWAIT) == -1 && errno == EINVAL);

    /* msgctl: a smaller limit, the counters, the info calls. */
    struct msqid_ds ds;
    CHECK(msgctl(id, IPC_STAT, &ds) == 0 && ds.msg_qnum == 0 && ds.msg_qbytes == 16384);
    CHECK(ds.msg_lspid == getpid() && ds.msg_lrpid == getpid() && ds.msg_stime > 0);
    ds.msg_qbytes = 20;
    CHECK(msgctl(id, IPC_SET, &ds) == 0);
    CHECK(send(id, 9, "0123456789", IPC_NOWAIT) == 0);
    CHECK(send(id, 9, "0123456789", IPC_NOWAIT) == -1 && errno == EAGAIN);
    CHECK(msgctl(id, IPC_STAT, &ds) == 0 && ds.msg_qnum == 1 && ds.__msg_cbytes == 11 && ds.msg_qbytes == 20);
    expect(id, 9, IPC_NOWAIT, 9, "0123456789");
    struct msginfo info;
    int highest = msgctl(0, MSG_INFO, (struct msqid_ds*)&info);
    CHECK(highest >= 0 && info.msgpool >= 1);
    CHECK(msgctl(0, IPC_INFO, (struct msqid_ds*)&info) == highest && info.msgmax == 8192 && info.msgmnb == 16384);
    int found = 0;
    for (int index = 0; index <= highest; ++index)
        if (msgctl(index, MSG_STAT, &ds) == id) found = 1;
    CHECK(found);

    /* Between processes: the child waits for type 5 while type 4 sits in
       the queue; the parent waits for the answer. */
    char number[16];
    snprintf(number, sizeof number, "%d", id);
    char* child_argv[] = {(char*)"sysv_msg", (char*)"child", number, NULL};
    pid_t pid;
    CHECK(posix_spawn(&pid, "/proc/self/exe", NULL, NULL, child_argv, environ) == 0);
    CHECK(send(id, 4, "noise", 0) == 0);
    CHECK(send(id, 5, "question", 0) == 0);
    expect(id, 6, 0, 6, "answer");
    expect(id, 4, IPC_NOWAIT, 4, "noise");
    /* The queue holds 20 bytes: the third send waits for the child to take one. */
    CHECK(send(id, 7, "012345678", 0) == 0);
    CHECK(send(id, 8, "012345678", 0) == 0);
    CHECK(send(id, 8, "012345678", 0) == 0);
    int status;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(msgctl(id, IPC_STAT, &ds) == 0 && ds.msg_qnum == 2 && ds.msg_lrpid == pid);

    CHECK(msgctl(id, IPC_RMID, NULL) == 0);
    CHECK(msgctl(id, IPC_STAT, &ds) == -1 && errno == EINVAL);
    CHECK(msgget(key, 0) == -1 && errno == ENOENT);
    puts("sysv_msg ok");
    return 0;
}
