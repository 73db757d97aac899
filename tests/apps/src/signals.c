/* Signal delivery: handlers with SA_SIGINFO, masks, pending, sigqueue
   values, SA_RESETHAND, SA_NODEFER, sigaltstack + SA_ONSTACK, sigsuspend,
   sigtimedwait, and recovery from SIGSEGV and SIGFPE with siglongjmp. */
#define _GNU_SOURCE
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static volatile sig_atomic_t got = 0, got_code = 0, got_value = 0, depth = 0, max_depth = 0;
static volatile uintptr_t handler_sp = 0;
static sigjmp_buf recover;
static volatile void* fault_address;

static void on_usr1(int signal, siginfo_t* info, void* context) {
    (void)context;
    got = signal;
    got_code = info->si_code;
    got_value = info->si_value.sival_int;
    int local;
    handler_sp = (uintptr_t)&local;
}

static void nested(int signal) {
    (void)signal;
    depth++;
    if (depth > max_depth) max_depth = depth;
    if (depth < 3) raise(SIGUSR2); /* SA_NODEFER: delivered inside */
    depth--;
}

static void on_fault(int signal, siginfo_t* info, void* context) {
    (void)context;
    fault_address = info->si_addr;
    siglongjmp(recover, signal);
}

static void plain(int signal) { got = signal; }

int main(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_usr1;
    sa.sa_flags = SA_SIGINFO;
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);

    /* raise(): delivered before it returns, with the sender's info. */
    CHECK(raise(SIGUSR1) == 0);
    CHECK(got == SIGUSR1 && got_code == SI_TKILL);

    /* kill(): to the process. */
    got = 0;
    CHECK(kill(getpid(), SIGUSR1) == 0);
    CHECK(got == SIGUSR1 && got_code == SI_USER);

    /* Blocked: pending until unblocked. */
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    CHECK(sigprocmask(SIG_BLOCK, &set, &old) == 0);
    got = 0;
    CHECK(kill(getpid(), SIGUSR1) == 0);
    CHECK(got == 0);
    sigset_t pending;
    CHECK(sigpending(&pending) == 0 && sigismember(&pending, SIGUSR1));
    CHECK(sigprocmask(SIG_SETMASK, &old, NULL) == 0);
    CHECK(got == SIGUSR1);

    /* sigqueue: the value arrives. */
    got = 0;
    union sigval value = {.sival_int = 1234};
    CHECK(sigqueue(getpid(), SIGUSR1, value) == 0);
    CHECK(got == SIGUSR1 && got_code == SI_QUEUE && got_value == 1234);

    /* Real-time signals queue every instance; sigtimedwait takes them in order. */
    CHECK(sigprocmask(SIG_BLOCK, &(sigset_t){0}, NULL) == 0);
    sigemptyset(&set);
    sigaddset(&set, SIGRTMIN + 1);
    CHECK(sigprocmask(SIG_BLOCK, &set, NULL) == 0);
    for (int i = 0; i < 3; ++i) CHECK(sigqueue(getpid(), SIGRTMIN + 1, (union sigval){.sival_int = i}) == 0);
    for (int i = 0; i < 3; ++i) {
        siginfo_t info;
        CHECK(sigtimedwait(&set, &info, &(struct timespec){0, 0}) == SIGRTMIN + 1);
        CHECK(info.si_value.sival_int == i);
    }
    errno = 0;
    CHECK(sigtimedwait(&set, NULL, &(struct timespec){0, 1000000}) == -1 && errno == EAGAIN);

    /* SA_RESETHAND: the second one takes the default action (ignore for SIGURG... use SIGWINCH). */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = plain;
    sa.sa_flags = SA_RESETHAND;
    CHECK(sigaction(SIGWINCH, &sa, NULL) == 0);
    got = 0;
    raise(SIGWINCH);
    CHECK(got == SIGWINCH);
    struct sigaction now;
    CHECK(sigaction(SIGWINCH, NULL, &now) == 0 && now.sa_handler == SIG_DFL);

    /* SA_NODEFER: the handler is re-entered. */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = nested;
    sa.sa_flags = SA_NODEFER;
    CHECK(sigaction(SIGUSR2, &sa, NULL) == 0);
    raise(SIGUSR2);
    CHECK(max_depth == 3 && depth == 0);

    /* sigaltstack + SA_ONSTACK: the handler runs on the alternate stack. */
    static char alternate[65536];
    stack_t ss = {.ss_sp = alternate, .ss_size = sizeof alternate, .ss_flags = 0};
    CHECK(sigaltstack(&ss, NULL) == 0);
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_usr1;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
    handler_sp = 0;
    raise(SIGUSR1);
    CHECK(handler_sp > (uintptr_t)alternate && handler_sp < (uintptr_t)alternate + sizeof alternate);
    stack_t current;
    CHECK(sigaltstack(NULL, &current) == 0 && current.ss_sp == alternate && current.ss_flags == 0);

    /* SIGSEGV with si_addr, recovered with siglongjmp from the alternate stack. */
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    CHECK(sigaction(SIGSEGV, &sa, NULL) == 0);
    CHECK(sigaction(SIGFPE, &sa, NULL) == 0);
    int caught = sigsetjmp(recover, 1);
    if (caught == 0) {
        *(volatile int*)0x1234 = 1;
        CHECK(!"not reached");
    }
    CHECK(caught == SIGSEGV && fault_address == (void*)0x1234);
    caught = sigsetjmp(recover, 1);
    if (caught == 0) {
        volatile int zero = 0;
        volatile int x = 10 / zero;
        (void)x;
        CHECK(!"not reached");
    }
    CHECK(caught == SIGFPE);
    /* The mask was restored by siglongjmp: a second fault is caught too. */
    caught = sigsetjmp(recover, 1);
    if (caught == 0) *(volatile int*)8 = 1;
    CHECK(caught == SIGSEGV);

    /* sigsuspend: waits for a signal from another thread with the mask swapped. */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = plain;
    CHECK(sigaction(SIGUSR2, &sa, NULL) == 0);
    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    CHECK(sigprocmask(SIG_BLOCK, &set, &old) == 0);
    got = 0;
    pid_t main_tid = (pid_t)syscall(SYS_gettid);
    pthread_t sender;
    struct { pid_t pid, tid; } target = {getpid(), main_tid};
    void* send(void* arg);
    CHECK(pthread_create(&sender, NULL, send, &target) == 0);
    sigset_t wait_mask;
    sigemptyset(&wait_mask);
    errno = 0;
    CHECK(sigsuspend(&wait_mask) == -1 && errno == EINTR);
    CHECK(got == SIGUSR2);
    sigset_t after;
    CHECK(sigprocmask(SIG_SETMASK, NULL, &after) == 0 && sigismember(&after, SIGUSR2));
    CHECK(pthread_join(sender, NULL) == 0);
    printf("signals ok\n");
    return 0;
}

void* send(void* arg) {
    struct { pid_t pid, tid; }* target = arg;
    usleep(20000);
    CHECK(syscall(SYS_tgkill, target->pid, target->tid, SIGUSR2) == 0);
    return NULL;
}
