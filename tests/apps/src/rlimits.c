/* Resource limits that hold: RLIMIT_NOFILE bounds the fds a process can
   make, limits are inherited by children and kept across exec, a hard
   limit is raised only with CAP_SYS_RESOURCE, prlimit64 reads and sets
   another process's. And mlock/mlock2/munlock/mlockall as Linux counts
   them against RLIMIT_MEMLOCK, with VmLck in /proc/self/status. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "run_self.h"

static unsigned long status_kb(const char* label) {
    static char text[8192];
    read_whole_file("/proc/self/status", text, sizeof text);
    const char* at = strstr(text, label);
    CHECK(at != NULL);
    return strtoul(at + strlen(label), NULL, 10);
}

/* Whether this process may raise hard limits (containers often drop it). */
static int has_sys_resource(void) {
    static char text[8192];
    read_whole_file("/proc/self/status", text, sizeof text);
    const char* at = strstr(text, "CapEff:");
    CHECK(at != NULL);
    return (strtoull(at + 7, NULL, 16) >> 24) & 1;
}

/* The child of main's spawn: sees the limits its parent set. */
static int child(void) {
    struct rlimit limit;
    CHECK(getrlimit(RLIMIT_CORE, &limit) == 0);
    CHECK(limit.rlim_cur == 4096 && limit.rlim_max == 8192);
    CHECK(getrlimit(RLIMIT_NOFILE, &limit) == 0);
    CHECK(limit.rlim_cur == 200);
    CHECK(fcntl(0, F_DUPFD, 200) == -1 && errno == EINVAL);
    CHECK(fcntl(0, F_DUPFD, 199) == 199);
    return 0;
}

static void open_files_limit(void) {
    struct rlimit saved, limit;
    CHECK(getrlimit(RLIMIT_NOFILE, &saved) == 0);
    CHECK(saved.rlim_cur >= 64 && saved.rlim_cur <= saved.rlim_max);

    limit = (struct rlimit){16, saved.rlim_max};
    CHECK(setrlimit(RLIMIT_NOFILE, &limit) == 0);
    int fds[16], count = 0;
    for (int fd; (fd = dup(0)) >= 0; ++count) fds[count] = fd;
    CHECK(errno == EMFILE);
    CHECK(count > 0 && fds[count - 1] == 15); /* every fd below the limit is taken */
    CHECK(dup2(0, 16) == -1 && errno == EBADF);
    CHECK(fcntl(0, F_DUPFD, 16) == -1 && errno == EINVAL);
    CHECK(open("/proc/self/status", O_RDONLY) == -1 && errno == EMFILE);
    for (int i = 0; i < count; ++i) CHECK(close(fds[i]) == 0);

    /* Lowering the soft limit below open fds keeps them open. */
    CHECK(setrlimit(RLIMIT_NOFILE, &saved) == 0);
    int high = fcntl(0, F_DUPFD, 40);
    CHECK(high == 40);
    limit.rlim_cur = 10;
    CHECK(setrlimit(RLIMIT_NOFILE, &limit) == 0);
    char byte;
    CHECK(read(high, &byte, 0) == 0 || errno != EBADF);
    CHECK(close(high) == 0);

    /* Past fs.nr_open is EPERM even for root; soft above hard EINVAL. */
    limit = (struct rlimit){saved.rlim_cur, 1048576 + 1};
    CHECK(setrlimit(RLIMIT_NOFILE, &limit) == -1 && errno == EPERM);
    limit = (struct rlimit){saved.rlim_max + 1, saved.rlim_max};
    CHECK(setrlimit(RLIMIT_NOFILE, &limit) == -1 && errno == EINVAL);
    CHECK(setrlimit(RLIMIT_NOFILE, &saved) == 0);
}

static void other_limits(char* self) {
    CHECK(getrlimit(RLIM_NLIMITS, &(struct rlimit){0, 0}) == -1 && errno == EINVAL);
    CHECK(syscall(SYS_getrlimit, RLIMIT_CORE, (void*)8) == -1 && errno == EFAULT);

    struct rlimit core = {4096, 8192}, old;
    CHECK(setrlimit(RLIMIT_CORE, &core) == 0);
    CHECK(prlimit(0, RLIMIT_CORE, NULL, &old) == 0 && old.rlim_cur == 4096 && old.rlim_max == 8192);
    CHECK(prlimit(getpid(), RLIMIT_CORE, NULL, &old) == 0 && old.rlim_max == 8192);
    CHECK(prlimit(-1, RLIMIT_CORE, NULL, &old) == -1 && errno == ESRCH);
    CHECK(prlimit(999999, RLIMIT_CORE, NULL, &old) == -1 && errno == ESRCH);

    struct rlimit saved_nofile;
    CHECK(getrlimit(RLIMIT_NOFILE, &saved_nofile) == 0);
    struct rlimit nofile = {200, saved_nofile.rlim_max};
    CHECK(prlimit(0, RLIMIT_NOFILE, &nofile, &old) == 0 && old.rlim_cur == saved_nofile.rlim_cur);
    run_self(self, "child");
    CHECK(setrlimit(RLIMIT_NOFILE, &saved_nofile) == 0);

    /* Another process's limits through prlimit64. */
    pid_t pid = spawn_self(self, "sleeper");
    struct rlimit theirs, set = {1234, 8192};
    CHECK(prlimit(pid, RLIMIT_CORE, &set, &theirs) == 0);
    CHECK(theirs.rlim_cur == 4096 && theirs.rlim_max == 8192);
    CHECK(prlimit(pid, RLIMIT_CORE, NULL, &theirs) == 0 && theirs.rlim_cur == 1234);
    CHECK(kill(pid, SIGTERM) == 0);
    int status;
    CHECK(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status));
}

/* Last, since without CAP_SYS_RESOURCE the lowered limit stays. */
static void hard_limit(void) {
    struct rlimit saved, limit;
    CHECK(getrlimit(RLIMIT_NOFILE, &saved) == 0);
    /* A lowered hard limit comes back only with CAP_SYS_RESOURCE. */
    limit = (struct rlimit){16, 16};
    CHECK(setrlimit(RLIMIT_NOFILE, &limit) == 0);
    if (has_sys_resource()) {
        CHECK(setrlimit(RLIMIT_NOFILE, &saved) == 0);
        /* Raising the soft limit up to the hard one opens more fds. */
        limit = (struct rlimit){2048, 4096};
        CHECK(setrlimit(RLIMIT_NOFILE, &limit) == 0);
        CHECK(fcntl(0, F_DUPFD, 2000) == 2000);
        CHECK(close(2000) == 0);
        CHECK(setrlimit(RLIMIT_NOFILE, &saved) == 0);
    } else {
        CHECK(setrlimit(RLIMIT_NOFILE, &saved) == -1 && errno == EPERM);
    }
}

static void memory_locks(void) {
    long page = sysconf(_SC_PAGESIZE);
    char* block = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(block != MAP_FAILED);
    CHECK(status_kb("VmLck:") == 0);
    CHECK(mlock(block + 10, 2 * page) == 0); /* rounds out to 3 pages */
    CHECK(status_kb("VmLck:") == 3 * page / 1024);
    CHECK(mlock(block, page) == 0);           /* overlaps: counted once */
    CHECK(status_kb("VmLck:") == 3 * page / 1024);
    CHECK(munlock(block + page, page) == 0);
    CHECK(status_kb("VmLck:") == 2 * page / 1024);
    CHECK(syscall(SYS_mlock2, block, page, 2) == -1 && errno == EINVAL);
    CHECK(syscall(SYS_mlock2, block + 3 * page, page, MLOCK_ONFAULT) == 0);
    CHECK(status_kb("VmLck:") == 3 * page / 1024);
    CHECK(munlock(block, 4 * page) == 0);
    CHECK(status_kb("VmLck:") == 0);

    CHECK(munmap(block + 2 * page, page) == 0);
    CHECK(mlock(block, 4 * page) == -1 && errno == ENOMEM); /* a hole */
    CHECK(mlock(block, 0) == 0);

    CHECK(mlockall(0) == -1 && errno == EINVAL);
    CHECK(mlockall(MCL_ONFAULT) == -1 && errno == EINVAL);
    CHECK(mlockall(MCL_CURRENT) == 0);
    CHECK(status_kb("VmLck:") > 0);
    CHECK(munlockall() == 0);
    CHECK(status_kb("VmLck:") == 0);

    /* Without CAP_IPC_LOCK, RLIMIT_MEMLOCK counts. */
    struct rlimit memlock = {2 * page, 2 * page};
    CHECK(setrlimit(RLIMIT_MEMLOCK, &memlock) == 0);
    CHECK(setresuid(1000, 1000, 1000) == 0);
    CHECK(mlock(block, page) == 0);
    CHECK(mlock(block, 2 * page) == 0);
    CHECK(mlock(block + 3 * page, page) == -1 && errno == ENOMEM);
    CHECK(munlockall() == 0);
    CHECK(mlockall(MCL_CURRENT) == -1 && errno == ENOMEM);
    /* An unprivileged process may lower a hard limit but not raise it back. */
    memlock.rlim_cur = memlock.rlim_max = 0;
    CHECK(setrlimit(RLIMIT_MEMLOCK, &memlock) == 0);
    CHECK(mlock(block, page) == -1 && errno == EPERM);
    CHECK(mlockall(MCL_FUTURE) == -1 && errno == EPERM);
    memlock.rlim_cur = memlock.rlim_max = page;
    CHECK(setrlimit(RLIMIT_MEMLOCK, &memlock) == -1 && errno == EPERM);
}

int main(int argc, char** argv) {
    if (argc > 1 && strcmp(argv[1], "child") == 0) return child();
    if (argc > 1 && strcmp(argv[1], "sleeper") == 0) {
        for (;;) pause();
    }
    open_files_limit();
    other_limits(argv[0]);
    hard_limit();
    memory_locks();
    puts("rlimits ok");
    return 0;
}
