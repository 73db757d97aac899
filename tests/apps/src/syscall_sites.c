/* Syscall sites that cella rewrites into direct LibOS entries must behave
   exactly as trapped ones (and as native ones): threads racing through
   sites while they are rewritten, the red zone below rsp, a branch that
   lands on the `syscall` instruction itself, signals (with their restart
   rules and the FPU state) arriving during the calls, and process and
   thread starts and ends from rewritten sites. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

extern char** environ;

/* One inline site: `mov $nr,%eax; syscall`, the shape the rewriter moves. */
#define SITE_FUNCTION(name)                                                        \
    static __attribute__((noinline)) long name(void) {                            \
        long result;                                                               \
        __asm__ volatile("mov $39, %%eax\n\tsyscall" : "=a"(result) : : "rcx", "r11", "memory"); \
        return result;                                                             \
    }
SITE_FUNCTION(site0) SITE_FUNCTION(site1) SITE_FUNCTION(site2) SITE_FUNCTION(site3)
SITE_FUNCTION(site4) SITE_FUNCTION(site5) SITE_FUNCTION(site6) SITE_FUNCTION(site7)
SITE_FUNCTION(site8) SITE_FUNCTION(site9) SITE_FUNCTION(site10) SITE_FUNCTION(site11)
SITE_FUNCTION(site12) SITE_FUNCTION(site13) SITE_FUNCTION(site14) SITE_FUNCTION(site15)
static long (*const g_sites[])(void) = {site0, site1, site2,  site3,  site4,  site5,  site6,  site7,
                                       site8, site9, site10, site11, site12, site13, site14, site15};
#define SITE_COUNT (sizeof g_sites / sizeof g_sites[0])

static pid_t g_pid;
static pthread_barrier_t g_start;
static volatile int g_failures;

/* Eight threads start together on sites none has run yet, so that several
   meet a site while it is being rewritten. */
static void* race_sites(void* arg) {
    unsigned seed = (unsigned)(uintptr_t)arg;
    pthread_barrier_wait(&g_start);
    for (int i = 0; i < 3000; ++i) {
        seed = seed * 1103515245u + 12345u;
        if (g_sites[(seed >> 8) % SITE_COUNT]() != g_pid) __atomic_add_fetch(&g_failures, 1, __ATOMIC_RELAXED);
        if (getppid() != getppid()) __atomic_add_fetch(&g_failures, 1, __ATOMIC_RELAXED);
    }
    return NULL;
}

static void check_racing_threads(void) {
    g_pid = getpid();
    enum { kThreads = 8 };
    pthread_t threads[kThreads];
    CHECK(pthread_barrier_init(&g_start, NULL, kThreads) == 0);
    for (int i = 0; i < kThreads; ++i) CHECK(pthread_create(&threads[i], NULL, race_sites, (void*)(uintptr_t)(i + 1)) == 0);
    for (int i = 0; i < kThreads; ++i) CHECK(pthread_join(threads[i], NULL) == 0);
    CHECK(g_failures == 0);
    /* Threads that start and end through rewritten sites (clone, exit). */
    for (int round = 0; round < 20; ++round) {
        pthread_t thread;
        CHECK(pthread_barrier_destroy(&g_start) == 0);
        CHECK(pthread_barrier_init(&g_start, NULL, 1) == 0);
        CHECK(pthread_create(&thread, NULL, race_sites, (void*)(uintptr_t)round) == 0);
        CHECK(pthread_join(thread, NULL) == 0);
    }
    CHECK(g_failures == 0);
}

/* A leaf function keeps data in the 128-byte red zone below rsp across a
   syscall: nothing may write there. Returns how many words changed. */
static __attribute__((noinline)) long red_zone_survives(void) {
    long changed;
    __asm__ volatile(
        "mov $0x5a5a5a5a5a5a5a5a, %%rdx\n\t"
        "mov $-128, %%rsi\n"
        "1:\n\t"
        "mov %%rdx, (%%rsp,%%rsi)\n\t"
        "add $8, %%rsi\n\t"
        "jnz 1b\n\t"
        "mov $39, %%eax\n\t"
        "syscall\n\t"
        "xor %%edi, %%edi\n\t"
        "mov $-128, %%rsi\n"
        "2:\n\t"
        "cmp %%rdx, (%%rsp,%%rsi)\n\t"
        "je 3f\n\t"
        "inc %%rdi\n"
        "3:\n\t"
        "add $8, %%rsi\n\t"
        "jnz 2b\n\t"
        "mov %%rdi, %0\n\t"
        : "=r"(changed)
        :
        : "rax", "rcx", "rdx", "rsi", "rdi", "r11", "memory", "cc");
    return changed;
}

/* The same site entered two ways: through the rewritten `mov` before it,
   and by a jump straight onto its `syscall` instruction. */
static __attribute__((noinline)) long site_or_jump(int jump) {
    long result;
    __asm__ volatile(
        "test %1, %1\n\t"
        "jnz 2f\n\t"
        "mov $39, %%eax\n"
        "1:\n\t"
        "syscall\n\t"
        "jmp 3f\n"
        "2:\n\t"
        "mov %2, %%eax\n\t"
        "jmp 1b\n"
        "3:\n\t"
        : "=a"(result)
        : "r"(jump), "r"(39)
        : "rcx", "r11", "memory", "cc");
    return result;
}

/* read(2) through a site of its own (glibc's read has `xor %eax,%eax`
   before its syscall, which is too short to move). */
static __attribute__((noinline)) long site_read(int fd, void* buffer, long size) {
    long result;
    register long rdi __asm__("rdi") = fd;
    register void* rsi __asm__("rsi") = buffer;
    register long rdx __asm__("rdx") = size;
    __asm__ volatile("mov $0, %%eax\n\tsyscall" : "=a"(result) : "r"(rdi), "r"(rsi), "r"(rdx) : "rcx", "r11", "memory");
    return result;
}

/* read(2) with a 2-byte `xor %eax,%eax` before the syscall, as glibc's
   read has: rewritten through dead bytes after an unconditional jump. A
   second entry jumps straight onto its syscall. */
static __attribute__((noinline)) long short_site_read(int fd, void* buffer, long size, int jump) {
    long result;
    register long rdi __asm__("rdi") = fd;
    register void* rsi __asm__("rsi") = buffer;
    register long rdx __asm__("rdx") = size;
    __asm__ volatile(
        "test %4, %4\n\t"
        "jnz 2f\n\t"
        "jmp 1f\n\t"
        ".skip 8, 0xcc\n"
        "1:\n\t"
        "xor %%eax, %%eax\n"
        "3:\n\t"
        "syscall\n\t"
        "jmp 4f\n"
        "2:\n\t"
        "mov $0, %%eax\n\t"
        "jmp 3b\n"
        "4:\n\t"
        : "=a"(result)
        : "r"(rdi), "r"(rsi), "r"(rdx), "r"(jump)
        : "rcx", "r11", "memory", "cc");
    return result;
}

static volatile sig_atomic_t g_alarms;
static volatile double g_handler_sink;
static void on_alarm(int signal) {
    (void)signal;
    /* The handler uses the FPU; the interrupted code's state must come back. */
    double x = 1.0;
    for (int i = 0; i < 100; ++i) x = x * 1.0000001 + 0.5;
    g_handler_sink = x;
    ++g_alarms;
}

static void set_alarm_handler(int flags) {
    struct sigaction action = {0};
    action.sa_handler = on_alarm;
    action.sa_flags = flags;
    sigemptyset(&action.sa_mask);
    CHECK(sigaction(SIGALRM, &action, NULL) == 0);
}

static void* write_later(void* arg) {
    int fd = (int)(intptr_t)arg;
    usleep(100 * 1000);
    CHECK(write(fd, "x", 1) == 1);
    return NULL;
}

static void check_signals(void) {
    /* Signals arriving all the time during rewritten calls, FPU in use. */
    set_alarm_handler(SA_RESTART);
    struct itimerval every = {{0, 200}, {0, 200}};
    CHECK(setitimer(ITIMER_REAL, &every, NULL) == 0);
    double sum = 0.0;
    long calls = 0;
    while (calls < 30000 || (g_alarms < 20 && calls < 50000000)) {
        sum += 0.25;
        ++calls;
        if (site0() != g_pid) ++g_failures;
    }
    struct itimerval off = {{0, 0}, {0, 0}};
    CHECK(setitimer(ITIMER_REAL, &off, NULL) == 0);
    CHECK(g_failures == 0);
    CHECK(g_alarms >= 20);
    CHECK(sum == 0.25 * (double)calls);

    /* A blocking read interrupted by a handler: EINTR without SA_RESTART... */
    int fds[2];
    CHECK(pipe(fds) == 0);
    char byte;
    for (int round = 0; round < 3; ++round) {
        set_alarm_handler(0);
        /* Repeating: under load the first alarm may come before the read
           waits; a later one interrupts it. */
        struct itimerval repeating = {{0, 20 * 1000}, {0, 20 * 1000}};
        CHECK(setitimer(ITIMER_REAL, &repeating, NULL) == 0);
        CHECK(site_read(fds[0], &byte, 1) == -EINTR);
        struct itimerval stop = {{0, 0}, {0, 0}};
        CHECK(setitimer(ITIMER_REAL, &stop, NULL) == 0);
    }
    /* ...and restarted under SA_RESTART until the data comes. */
    set_alarm_handler(SA_RESTART);
    pthread_t writer;
    CHECK(pthread_create(&writer, NULL, write_later, (void*)(intptr_t)fds[1]) == 0);
    int before = g_alarms;
    struct itimerval repeating = {{0, 20 * 1000}, {0, 20 * 1000}};
    CHECK(setitimer(ITIMER_REAL, &repeating, NULL) == 0);
    CHECK(site_read(fds[0], &byte, 1) == 1 && byte == 'x');
    struct itimerval stop = {{0, 0}, {0, 0}};
    CHECK(setitimer(ITIMER_REAL, &stop, NULL) == 0);
    /* The writer waits 100 ms: handlers ran while the read waited. */
    CHECK(g_alarms > before);
    CHECK(pthread_join(writer, NULL) == 0);
    close(fds[0]);
    close(fds[1]);
}

static void check_processes(const char* self) {
    for (int round = 0; round < 5; ++round) {
        /* posix_spawn: clone(CLONE_VM|CLONE_VFORK) and execve. */
        pid_t child;
        char* argv[] = {(char*)self, "child", NULL};
        CHECK(posix_spawn(&child, self, NULL, NULL, argv, environ) == 0);
        int status;
        CHECK(waitpid(child, &status, 0) == child);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 7);
        /* vfork and _exit. */
        pid_t vchild = vfork();
        if (vchild == 0) _exit(site1() == getpid() ? 9 : 1);
        CHECK(vchild > 0);
        CHECK(waitpid(vchild, &status, 0) == vchild);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 9);
        /* vfork and execve. */
        vchild = vfork();
        if (vchild == 0) {
            execve(self, argv, environ);
            _exit(127);
        }
        CHECK(waitpid(vchild, &status, 0) == vchild);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 7);
    }
    /* fork, where it is allowed (ENOSYS under cella's default config). */
    pid_t forked = fork();
    if (forked == 0) _exit(site2() == getpid() ? 11 : 1);
    if (forked > 0) {
        int status;
        CHECK(waitpid(forked, &status, 0) == forked);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 11);
    } else {
        CHECK(errno == ENOSYS);
    }
}

int main(int argc, char** argv) {
    if (argc > 1 && strcmp(argv[1], "child") == 0) return site3() == getpid() ? 7 : 1;
    g_pid = getpid();
    check_racing_threads();
    for (int i = 0; i < 1000; ++i) CHECK(red_zone_survives() == 0);
    for (int i = 0; i < 1000; ++i) CHECK(site_or_jump(0) == g_pid);
    for (int i = 0; i < 1000; ++i) CHECK(site_or_jump(1) == g_pid);
    int zero = open("/dev/zero", O_RDONLY);
    CHECK(zero >= 0);
    for (int i = 0; i < 1000; ++i) {
        char byte = 1;
        CHECK(short_site_read(zero, &byte, 1, i % 3 == 2) == 1 && byte == 0);
    }
    close(zero);
    check_signals();
    check_processes(argv[0]);
    printf("syscall_sites ok\n");
    return 0;
}
