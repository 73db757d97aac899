/* SIGSEGV's si_code tells an address no mapping covers (SEGV_MAPERR) from a
   mapped page without the access (SEGV_ACCERR), with si_addr the address;
   a handler on a signal stack that cannot take the frame gives way to
   SIGSEGV (Linux's force_sigsegv), which the SIGSEGV handler catches, and
   which kills the process when the SIGSEGV handler's frame fails too. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

extern char** environ;

static sigjmp_buf jump;
static volatile int seen_signal, seen_code, usr1_ran;
static void* volatile seen_address;

static void on_fault(int signal, siginfo_t* info, void* context) {
    (void)context;
    seen_signal = signal;
    seen_code = info->si_code;
    seen_address = info->si_addr;
    siglongjmp(jump, 1);
}

static void on_usr1(int signal) {
    (void)signal;
    usr1_ran = 1;
}

static void install(int signal, void (*handler)(int, siginfo_t*, void*), int flags) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = handler;
    action.sa_flags = SA_SIGINFO | flags;
    sigemptyset(&action.sa_mask);
    CHECK(sigaction(signal, &action, NULL) == 0);
}

/* Touches `address` (reading or writing); returns the si_code of the SIGSEGV. */
static int fault_code(volatile char* address, int write) {
    seen_signal = 0;
    if (sigsetjmp(jump, 1) == 0) {
        if (write)
            *address = 1;
        else
            (void)*address;
        CHECK(!"the access did not fault");
    }
    CHECK(seen_signal == SIGSEGV);
    CHECK(seen_address == (void*)address);
    return seen_code;
}

static void send_usr1(void) { CHECK(syscall(SYS_tgkill, getpid(), (pid_t)syscall(SYS_gettid), SIGUSR1) == 0); }

/* SIGUSR1's handler runs on `stack`, which cannot take its frame. */
static void check_forced_sigsegv(void* stack_memory, size_t size) {
    stack_t stack = {.ss_sp = stack_memory, .ss_size = size, .ss_flags = 0};
    CHECK(sigaltstack(&stack, NULL) == 0);
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_usr1;
    action.sa_flags = SA_ONSTACK;
    CHECK(sigaction(SIGUSR1, &action, NULL) == 0);
    usr1_ran = 0;
    seen_signal = 0;
    if (sigsetjmp(jump, 1) == 0) {
        send_usr1();
        CHECK(!"no SIGSEGV for the frame that could not be written");
    }
    CHECK(seen_signal == SIGSEGV && seen_code == SI_KERNEL);
    CHECK(!usr1_ran);
    stack.ss_flags = SS_DISABLE;
    CHECK(sigaltstack(&stack, NULL) == 0);
}

/* The child: SIGSEGV's handler is on the same bad stack, so it dies. */
static int die_on_bad_stack(void) {
    void* memory = mmap(NULL, 65536, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(memory != MAP_FAILED);
    stack_t stack = {.ss_sp = memory, .ss_size = 65536, .ss_flags = 0};
    CHECK(sigaltstack(&stack, NULL) == 0);
    install(SIGSEGV, on_fault, SA_ONSTACK);
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_usr1;
    action.sa_flags = SA_ONSTACK;
    CHECK(sigaction(SIGUSR1, &action, NULL) == 0);
    send_usr1();
    printf("survived a signal whose frames could not be written\n");
    return 3;
}

/* A fault (SIGILL from ud2) with the stack pointer into nothing: its
   handler's frame cannot be written, so SIGSEGV comes instead, to a
   handler on the signal stack. */
static void on_ill(int signal) {
    (void)signal;
    CHECK(!"the SIGILL handler ran on an unusable stack");
}

static void check_stack_pointer_into_nothing(void* good_stack, size_t size) {
    stack_t stack = {.ss_sp = good_stack, .ss_size = size, .ss_flags = 0};
    CHECK(sigaltstack(&stack, NULL) == 0);
    install(SIGSEGV, on_fault, SA_ONSTACK);
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_ill;
    CHECK(sigaction(SIGILL, &action, NULL) == 0);
    seen_signal = 0;
    if (sigsetjmp(jump, 1) == 0) {
        __asm__ volatile("mov $64, %%rsp\n\tud2" ::: "memory");
    }
    CHECK(seen_signal == SIGSEGV && seen_code == SI_KERNEL);
    install(SIGSEGV, on_fault, 0);
}

/* rt_sigreturn with the stack pointer into nothing: its frame cannot be
   read, and SIGSEGV comes, to the handler on the signal stack. */
static void check_bad_sigreturn(void) {
    install(SIGSEGV, on_fault, SA_ONSTACK);
    seen_signal = 0;
    if (sigsetjmp(jump, 1) == 0) {
        __asm__ volatile("mov $64, %%rsp\n\tmov $15, %%eax\n\tsyscall" ::: "memory", "rax", "rcx", "r11");
    }
    CHECK(seen_signal == SIGSEGV && seen_code == SI_KERNEL);
    install(SIGSEGV, on_fault, 0);
}

static void check_child_dies(void) {
    pid_t pid;
    char* child_argv[] = {"fault_codes", "bad-stack-child", NULL};
    CHECK(posix_spawn(&pid, "/proc/self/exe", NULL, NULL, child_argv, environ) == 0);
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
}

int main(int argc, char** argv) {
    if (argc > 1 && strcmp(argv[1], "bad-stack-child") == 0) return die_on_bad_stack();
    install(SIGSEGV, on_fault, 0);
    long page = sysconf(_SC_PAGESIZE);

    /* No mapping at all: MAPERR, for reads, writes, and the null page. */
    char* gone = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(gone != MAP_FAILED);
    CHECK(munmap(gone, 3 * page) == 0);
    CHECK(fault_code(gone + page + 5, 0) == SEGV_MAPERR);
    CHECK(fault_code(gone + 2 * page, 1) == SEGV_MAPERR);
    CHECK(fault_code((volatile char*)16, 0) == SEGV_MAPERR);

    /* Mapped without the access: ACCERR. */
    char* none = mmap(NULL, page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(none != MAP_FAILED);
    CHECK(fault_code(none + 7, 0) == SEGV_ACCERR);
    CHECK(fault_code(none, 1) == SEGV_ACCERR);
    char* read_only = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(read_only != MAP_FAILED);
    CHECK(fault_code(read_only + 100, 1) == SEGV_ACCERR);
    /* A hole punched into a mapping is unmapped again. */
    char* three = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(three != MAP_FAILED);
    CHECK(munmap(three + page, page) == 0);
    CHECK(fault_code(three + page, 1) == SEGV_MAPERR);
    CHECK(mprotect(three + 2 * page, page, PROT_NONE) == 0);
    CHECK(fault_code(three + 2 * page, 0) == SEGV_ACCERR);
    three[0] = 1;

    /* A signal stack that is read-only, then one that is not mapped. */
    check_forced_sigsegv(read_only, page);
    char* hole = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(hole != MAP_FAILED && munmap(hole, 3 * page) == 0);
    check_forced_sigsegv(hole, 3 * page);
    /* A good signal stack works after that. */
    char* good = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(good != MAP_FAILED);
    stack_t stack = {.ss_sp = good, .ss_size = 65536, .ss_flags = 0};
    CHECK(sigaltstack(&stack, NULL) == 0);
    usr1_ran = 0;
    send_usr1();
    CHECK(usr1_ran);

    check_stack_pointer_into_nothing(good, 65536);
    check_bad_sigreturn();
    check_child_dies();
    printf("fault_codes ok\n");
    return 0;
}
