/* Calls Linux serves that cella answers too: membarrier, futex_waitv, the
   NUMA policy calls of a one-node machine, protection keys, the LDT reads,
   sysfs, and the refusals that match what Linux answers for the same
   arguments (ptrace attach, perf_event_open, file handles, the removed
   calls' ENOSYS). Each answer here is also Linux 6.x's on this machine. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

#ifndef SYS_futex_waitv
#define SYS_futex_waitv 449
#endif
#ifndef SYS_set_mempolicy_home_node
#define SYS_set_mempolicy_home_node 450
#endif
#define MEMBARRIER_CMD_QUERY 0
#define MEMBARRIER_CMD_PRIVATE_EXPEDITED (1 << 3)
#define MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED (1 << 4)
#define MPOL_DEFAULT 0
#define MPOL_PREFERRED 1
#define MPOL_BIND 2
#define MPOL_INTERLEAVE 3
#define MPOL_F_NODE 1
#define MPOL_F_ADDR 2
#define MPOL_F_MEMS_ALLOWED 4
#define FUTEX_WAKE_PRIVATE (1 | 128)
#define FUTEX2_SIZE_U32 2
#define FUTEX2_PRIVATE 128

struct futex_waitv_entry {
    uint64_t val;
    uint64_t uaddr;
    uint32_t flags;
    uint32_t reserved;
};

static uint32_t words[2];

static void* wake_second(void* unused) {
    (void)unused;
    struct timespec pause = {0, 50 * 1000 * 1000};
    for (int i = 0; i < 400; ++i) { /* until the waiter has gone to sleep and is woken */
        nanosleep(&pause, NULL);
        __atomic_store_n(&words[1], 1, __ATOMIC_SEQ_CST);
        if (syscall(SYS_futex, &words[1], FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0) == 1) break;
    }
    return NULL;
}

static void check_futex_waitv(void) {
    struct futex_waitv_entry waiters[2] = {
        {0, (uint64_t)(uintptr_t)&words[0], FUTEX2_SIZE_U32 | FUTEX2_PRIVATE, 0},
        {0, (uint64_t)(uintptr_t)&words[1], FUTEX2_SIZE_U32 | FUTEX2_PRIVATE, 0},
    };
    errno = 0;
    CHECK(syscall(SYS_futex_waitv, waiters, 2, 1, NULL, 0) == -1 && errno == EINVAL);
    CHECK(syscall(SYS_futex_waitv, waiters, 0, 0, NULL, 0) == -1 && errno == EINVAL);
    waiters[0].flags = 3; /* 64-bit futexes: not supported */
    CHECK(syscall(SYS_futex_waitv, waiters, 2, 0, NULL, 0) == -1 && errno == EINVAL);
    waiters[0].flags = FUTEX2_SIZE_U32 | FUTEX2_PRIVATE;
    words[0] = 7; /* not the expected value */
    CHECK(syscall(SYS_futex_waitv, waiters, 2, 0, NULL, 0) == -1 && errno == EAGAIN);
    words[0] = 0;
    struct timespec soon;
    CHECK(clock_gettime(CLOCK_MONOTONIC, &soon) == 0);
    soon.tv_nsec += 20 * 1000 * 1000;
    if (soon.tv_nsec >= 1000000000) soon.tv_sec += 1, soon.tv_nsec -= 1000000000;
    CHECK(syscall(SYS_futex_waitv, waiters, 2, 0, &soon, CLOCK_MONOTONIC) == -1 && errno == ETIMEDOUT);
    CHECK(syscall(SYS_futex_waitv, waiters, 2, 0, &soon, 5) == -1 && errno == EINVAL);
    struct futex_waitv_entry bad = {0, 16, FUTEX2_SIZE_U32, 0};
    CHECK(syscall(SYS_futex_waitv, &bad, 1, 0, NULL, 0) == -1 && errno == EFAULT);
    pthread_t thread;
    CHECK(pthread_create(&thread, NULL, wake_second, NULL) == 0);
    long woken = syscall(SYS_futex_waitv, waiters, 2, 0, NULL, 0);
    CHECK(woken == 1 || (woken == -1 && errno == EAGAIN)); /* EAGAIN: the store came first */
    CHECK(pthread_join(thread, NULL) == 0);
}

static void check_mempolicy(void) {
    int mode = -1;
    unsigned long mask[2] = {~0ul, ~0ul};
    CHECK(syscall(SYS_get_mempolicy, &mode, mask, 128, NULL, 0) == 0);
    CHECK(mode == MPOL_DEFAULT && mask[0] == 0 && mask[1] == 0);
    CHECK(syscall(SYS_get_mempolicy, &mode, mask, 128, NULL, MPOL_F_MEMS_ALLOWED) == 0 && mask[0] == 1);
    CHECK(syscall(SYS_get_mempolicy, &mode, NULL, 0, NULL, MPOL_F_MEMS_ALLOWED | MPOL_F_NODE) == -1 && errno == EINVAL);
    CHECK(syscall(SYS_get_mempolicy, &mode, NULL, 0, (void*)4096, 0) == -1 && errno == EINVAL);
    CHECK(syscall(SYS_get_mempolicy, &mode, NULL, 0, NULL, MPOL_F_NODE) == -1 && errno == EINVAL);

    unsigned long node0 = 1, node1 = 2;
    CHECK(syscall(SYS_set_mempolicy, MPOL_BIND, &node1, 64) == -1 && errno == EINVAL);
    CHECK(syscall(SYS_set_mempolicy, MPOL_BIND, NULL, 0) == -1 && errno == EINVAL);
    CHECK(syscall(SYS_set_mempolicy, MPOL_DEFAULT, &node0, 64) == -1 && errno == EINVAL);
    CHECK(syscall(SYS_set_mempolicy, 99, NULL, 0) == -1 && errno == EINVAL);
    CHECK(syscall(SYS_set_mempolicy, MPOL_INTERLEAVE, &node0, 64) == 0);
    CHECK(syscall(SYS_get_mempolicy, &mode, mask, 64, NULL, 0) == 0 && mode == MPOL_INTERLEAVE && mask[0] == 1);
    CHECK(syscall(SYS_get_mempolicy, &mode, NULL, 0, NULL, MPOL_F_NODE) == 0 && mode == 0);
    CHECK(syscall(SYS_set_mempolicy, MPOL_DEFAULT, NULL, 0) == 0);
    CHECK(syscall(SYS_get_mempolicy, &mode, NULL, 0, NULL, 0) == 0 && mode == MPOL_DEFAULT);

    long page = sysconf(_SC_PAGESIZE);
    char* memory = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(memory != MAP_FAILED);
    memory[0] = 1;
    CHECK(syscall(SYS_mbind, memory, 4 * page, MPOL_BIND, &node0, 64, 0) == 0);
    CHECK(syscall(SYS_mbind, memory + 1, page, MPOL_BIND, &node0, 64, 0) == -1 && errno == EINVAL);
    CHECK(syscall(SYS_mbind, memory, page, MPOL_BIND, &node1, 64, 0) == -1 && errno == EINVAL);
    CHECK(syscall(SYS_get_mempolicy, &mode, NULL, 0, memory, MPOL_F_NODE | MPOL_F_ADDR) == 0 && mode == 0);
    CHECK(munmap(memory + 2 * page, page) == 0);
    CHECK(syscall(SYS_mbind, memory, 4 * page, MPOL_BIND, &node0, 64, 0) == -1 && errno == EFAULT);
    void* pages[2] = {memory, memory + 2 * page};
    int status[2] = {99, 99};
    CHECK(syscall(SYS_move_pages, 0, 2, pages, NULL, status, 0) == 0);
    CHECK(status[1] == -EFAULT);
    CHECK(status[0] == 0);
    int nodes[1] = {0};
    CHECK(syscall(SYS_move_pages, 0, 1, pages, nodes, status, 0) == 0 && status[0] == 0);
    CHECK(syscall(SYS_move_pages, 0, 1, pages, nodes, status, 0x10) == -1 && errno == EINVAL);
    CHECK(syscall(SYS_migrate_pages, 0, 64, &node0, &node0) == 0);
    CHECK(syscall(SYS_migrate_pages, 0, 64, &node0, &node1) == -1 && errno == EINVAL);
    CHECK(syscall(SYS_set_mempolicy_home_node, memory, page, 0, 0) == 0);
    CHECK(syscall(SYS_set_mempolicy_home_node, memory, page, 1, 0) == -1 && errno == EINVAL);
    CHECK(syscall(SYS_set_mempolicy_home_node, memory, page, 0, 1) == -1 && errno == EINVAL);
    CHECK(munmap(memory, 4 * page) == 0);
}

static void check_small_ones(void) {
    /* membarrier: the host's. */
    long commands = syscall(SYS_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);
    CHECK(commands > 0 && (commands & MEMBARRIER_CMD_PRIVATE_EXPEDITED));
    CHECK(syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0);
    CHECK(syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) == 0);
    CHECK(syscall(SYS_membarrier, MEMBARRIER_CMD_QUERY, 1, 0) == -1 && errno == EINVAL);

    /* Protection keys: no PKU here, or keys to allocate. */
    long key = syscall(SYS_pkey_alloc, 0, 0);
    if (key >= 0)
        CHECK(syscall(SYS_pkey_free, key) == 0);
    else
        CHECK(errno == EINVAL || errno == ENOSPC);
    CHECK(syscall(SYS_pkey_alloc, 1, 0) == -1 && errno == EINVAL);
    long page = sysconf(_SC_PAGESIZE);
    char* memory = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(memory != MAP_FAILED);
    CHECK(syscall(SYS_pkey_mprotect, memory, page, PROT_READ, -1) == 0);
    CHECK(syscall(SYS_pkey_mprotect, memory, page, PROT_READ | PROT_WRITE, -1) == 0);
    memory[0] = 1;
    if (key < 0) CHECK(syscall(SYS_pkey_mprotect, memory, page, PROT_READ, 0) == -1 && errno == EINVAL);
    CHECK(munmap(memory, page) == 0);

    /* The LDT: none, and the default one reads as zeros. */
    unsigned char ldt[256];
    memset(ldt, 0xaa, sizeof ldt);
    CHECK(syscall(SYS_modify_ldt, 0, ldt, sizeof ldt) == 0);
    CHECK(syscall(SYS_modify_ldt, 2, ldt, 200) == 128 && ldt[0] == 0 && ldt[127] == 0 && ldt[128] == 0xaa);
    CHECK((unsigned long)syscall(SYS_modify_ldt, 1, ldt, 15) == (unsigned)-EINVAL);

    /* sysfs: the file system types, by index and by name. */
    long types = syscall(SYS_sysfs, 3);
    CHECK(types > 0);
    char name[64];
    CHECK(syscall(SYS_sysfs, 2, 0, name) == 0);
    CHECK(syscall(SYS_sysfs, 1, name) == 0);
    CHECK(syscall(SYS_sysfs, 2, types, name) == -1 && errno == EINVAL);
    CHECK(syscall(SYS_sysfs, 1, "no-such-fs") == -1 && errno == EINVAL);

    /* Refusals and checks that are Linux's own answers here. */
    CHECK(syscall(SYS_ptrace, 16 /* PTRACE_ATTACH */, 1, 0, 0) == -1 && errno == EPERM);
    CHECK(syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0) == -1 && errno == EFAULT);
    unsigned char attr[128] = {0};
    attr[0] = 0xee; /* no such event type */
    CHECK(syscall(SYS_perf_event_open, attr, 0, -1, -1, 0) == -1 && errno == ENOENT);
    unsigned char handle[128] = {0};
    int mount_id;
    CHECK(syscall(SYS_name_to_handle_at, AT_FDCWD, "/no/such/file", handle, &mount_id, 0) == -1 && errno == ENOENT);
    CHECK(syscall(SYS_open_by_handle_at, -1, NULL, 0) == -1 && errno == EFAULT);
    CHECK(syscall(SYS_userfaultfd, 0x10) == -1 && errno == EINVAL);
    CHECK(syscall(SYS_fanotify_mark, -1, 0, 0, AT_FDCWD, "/") == -1 && errno == EINVAL);
    long removed[] = {SYS_create_module, SYS_get_kernel_syms, SYS_query_module, SYS_nfsservctl, SYS_uselib,
                      SYS__sysctl, SYS_afs_syscall, SYS_getpmsg, SYS_putpmsg, SYS_tuxcall, SYS_security,
                      SYS_vserver, SYS_epoll_ctl_old, SYS_epoll_wait_old, SYS_lookup_dcookie};
    for (unsigned i = 0; i < sizeof removed / sizeof removed[0]; ++i)
        CHECK(syscall(removed[i], 0, 0, 0, 0, 0, 0) == -1 && errno == ENOSYS);
}

int main(void) {
    check_small_ones();
    check_futex_waitv();
    check_mempolicy();
    printf("kernel_features ok\n");
    return 0;
}
