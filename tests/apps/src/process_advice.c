/* process_madvise and process_mrelease through a pidfd: the hints Linux
   takes from another process, their range checks and partial results,
   and the answers for a live process and a zombie. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run_self.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_process_madvise
#define SYS_process_madvise 440
#endif
#ifndef SYS_process_mrelease
#define SYS_process_mrelease 448
#endif
#ifndef MADV_COLD
#define MADV_COLD 20
#endif
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

static long advise(int pidfd, struct iovec* ranges, size_t count, int advice, unsigned flags) {
    return syscall(SYS_process_madvise, pidfd, ranges, count, advice, flags);
}

int main(int argc, char** argv) {
    if (argc > 1 && strcmp(argv[1], "exit") == 0) return 0;
    if (argc > 1 && strcmp(argv[1], "sleep") == 0) {
        for (;;) pause();
    }
    long page = sysconf(_SC_PAGESIZE);
    int self = (int)syscall(SYS_pidfd_open, getpid(), 0);
    CHECK(self >= 0);
    char* block = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(block != MAP_FAILED);
    memset(block, 1, 4 * page);

    struct iovec whole = {block, 4 * page};
    CHECK(advise(self, &whole, 1, MADV_COLD, 0) == 4 * page);
    CHECK(advise(self, &whole, 1, MADV_PAGEOUT, 0) == 4 * page);
    CHECK(advise(self, &whole, 1, MADV_WILLNEED, 0) == 4 * page);
    CHECK(block[3 * page] == 1);
    /* Any advice for the caller itself (Linux 6.13+). */
    CHECK(advise(self, &whole, 1, MADV_DONTNEED, 0) == 4 * page);
    CHECK(block[3 * page] == 0);
    CHECK(advise(self, &whole, 1, MADV_COLD, 1) == -1 && errno == EINVAL);
    CHECK(advise(0, &whole, 1, MADV_COLD, 0) == -1 && errno == EBADF);
    CHECK(advise(self, (struct iovec*)8, 1, MADV_COLD, 0) == -1 && errno == EFAULT);
    struct iovec misaligned = {block + 1, page};
    CHECK(advise(self, &misaligned, 1, MADV_COLD, 0) == -1 && errno == EINVAL);

    /* A hole: ENOMEM alone, the bytes before it when ranges came first. */
    CHECK(munmap(block + 2 * page, page) == 0);
    CHECK(advise(self, &whole, 1, MADV_COLD, 0) == -1 && errno == ENOMEM);
    struct iovec two[2] = {{block, page}, {block, 4 * page}};
    CHECK(advise(self, two, 2, MADV_COLD, 0) == page);

    /* process_mrelease: EINVAL for a process that is not dying, ESRCH for
       a zombie. */
    CHECK(syscall(SYS_process_mrelease, self, 0) == -1 && errno == EINVAL);
    CHECK(syscall(SYS_process_mrelease, self, 1) == -1 && errno == EINVAL);

    /* Another process: only the hints; it waits on a pipe meanwhile. */
    pid_t sleeper = spawn_self(argv[0], "sleep");
    int sleeper_fd = (int)syscall(SYS_pidfd_open, sleeper, 0);
    CHECK(sleeper_fd >= 0);
    CHECK(advise(sleeper_fd, two, 1, MADV_DONTNEED, 0) == -1 && errno == EINVAL);
    CHECK(syscall(SYS_process_mrelease, sleeper_fd, 0) == -1 && errno == EINVAL);
    CHECK(kill(sleeper, SIGKILL) == 0);
    int status;
    CHECK(waitpid(sleeper, &status, 0) == sleeper && WIFSIGNALED(status));
    close(sleeper_fd);

    pid_t child = spawn_self(argv[0], "exit");
    int child_fd = (int)syscall(SYS_pidfd_open, child, 0);
    CHECK(child_fd >= 0);
    siginfo_t info;
    CHECK(waitid(P_PID, (id_t)child, &info, WEXITED | WNOWAIT) == 0);
    CHECK(syscall(SYS_process_mrelease, child_fd, 0) == -1 && errno == ESRCH);
    reap(child);
    CHECK(syscall(SYS_process_mrelease, child_fd, 0) == -1 && errno == ESRCH);

    close(child_fd);
    close(self);
    puts("process_advice ok");
    return 0;
}
