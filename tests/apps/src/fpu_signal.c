/* rt_sigreturn restores SSE/AVX state: a value in xmm7 across a signal
   whose handler clobbers every vector register. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "check.h"

static volatile int handled = 0;

static void clobber(int signal) {
    (void)signal;
    __asm__ volatile("pxor %%xmm0, %%xmm0\n\tpxor %%xmm7, %%xmm7\n\tpcmpeqd %%xmm1, %%xmm1" ::: "xmm0", "xmm1", "xmm7");
    volatile double x = 1.5;
    for (int i = 0; i < 10; ++i) x = x * 3.7 + 1;
    handled = 1;
}

int main(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = clobber;
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
    long pid = getpid(), tid = syscall(SYS_gettid);
    double in = 12345.678, out = 0;
    /* Load xmm7, send the signal with a raw syscall (delivered on its way
       back), read xmm7 again. */
    __asm__ volatile(
        "movsd %[in], %%xmm7\n\t"
        "mov %[nr], %%eax\n\t"
        "mov %[pid], %%rdi\n\t"
        "mov %[tid], %%rsi\n\t"
        "mov %[sig], %%edx\n\t"
        "syscall\n\t"
        "movsd %%xmm7, %[out]\n\t"
        : [out] "=m"(out)
        : [in] "m"(in), [nr] "i"(SYS_tgkill), [pid] "r"(pid), [tid] "r"(tid), [sig] "i"(SIGUSR1)
        : "rax", "rcx", "r11", "rdi", "rsi", "rdx", "xmm7", "memory");
    CHECK(handled == 1);
    CHECK(out == in);
    printf("fpu_signal ok\n");
    return 0;
}
