/* pidfds: pidfd_open, poll (readable at exit, POLLHUP once reaped),
   pidfd_send_signal, pidfd_getfd, waitid(P_PIDFD) blocking and not; kcmp
   on files, fd tables and memory; process_vm_readv/writev between two
   processes, with the target's own memory checks. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#define SYS_pidfd_send_signal 424
#define SYS_pidfd_getfd 438
#endif
#ifndef P_PIDFD
#define P_PIDFD 3
#endif
#define KCMP_FILE 0
#define KCMP_VM 1
#define KCMP_FILES 2

extern char** environ;

static char secret[64] = "the child's secret";
static volatile sig_atomic_t usr2_seen;
static void on_usr2(int signo) { (void)signo; usr2_seen++; }

/* The child: tells its buffer's address on fd 1 (a pipe), waits for a byte
   on fd 0, then exits 0 if the parent wrote "PARENT" into the buffer. */
static int child(void) {
    uint64_t address = (uint64_t)(uintptr_t)secret;
    CHECK(write(1, &address, sizeof address) == sizeof address);
    char byte;
    CHECK(read(0, &byte, 1) == 1);
    return strcmp(secret, "PARENT wrote this") == 0 ? 0 : 5;
}

static long pidfd_open(pid_t pid, unsigned flags) { return syscall(SYS_pidfd_open, pid, flags); }
static long kcmp(pid_t a, pid_t b, int type, unsigned long x, unsigned long y) {
    return syscall(SYS_kcmp, a, b, type, x, y);
}

static short poll_pidfd(int fd, int timeout_ms) {
    struct pollfd item = {fd, POLLIN, 0};
    CHECK(poll(&item, 1, timeout_ms) >= 0);
    return item.revents;
}

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x1000
#endif

static int clone_child(void* arg) {
    (void)arg;
    _exit(7);
}

/* clone with CLONE_PIDFD: the pidfd lands where parent_tid points. */
static void clone_with_pidfd(void) {
    static char stack[64 * 1024] __attribute__((aligned(16)));
    int pidfd = -1;
    pid_t pid = clone(clone_child, stack + sizeof stack, CLONE_VM | CLONE_VFORK | CLONE_PIDFD | SIGCHLD, NULL, &pidfd);
    CHECK(pid > 0 && pidfd >= 0);
    CHECK(fcntl(pidfd, F_GETFD) == FD_CLOEXEC);
    siginfo_t info;
    memset(&info, 0, sizeof info);
    CHECK(waitid((idtype_t)P_PIDFD, (id_t)pidfd, &info, WEXITED) == 0);
    CHECK(info.si_pid == pid && info.si_code == CLD_EXITED && info.si_status == 7);
    CHECK(close(pidfd) == 0);
    /* parent_tid cannot also take the child's tid. */
    CHECK(clone(clone_child, stack + sizeof stack, CLONE_VM | CLONE_VFORK | CLONE_PIDFD | CLONE_PARENT_SETTID | SIGCHLD,
                NULL, &pidfd) == -1 && errno == EINVAL);
}

int main(int argc, char** argv) {
    if (argc > 1 && strcmp(argv[1], "child") == 0) return child();
    clone_with_pidfd();
    int to_child[2], from_child[2];
    CHECK(pipe(to_child) == 0 && pipe(from_child) == 0);
    posix_spawn_file_actions_t actions;
    CHECK(posix_spawn_file_actions_init(&actions) == 0);
    CHECK(posix_spawn_file_actions_adddup2(&actions, to_child[0], 0) == 0);
    CHECK(posix_spawn_file_actions_adddup2(&actions, from_child[1], 1) == 0);
    pid_t pid;
    char* child_argv[] = {"pidfd", "child", NULL};
    CHECK(posix_spawn(&pid, "/proc/self/exe", &actions, NULL, child_argv, environ) == 0);
    uint64_t address;
    CHECK(read(from_child[0], &address, sizeof address) == sizeof address);

    /* pidfd_open's checks. */
    errno = 0;
    CHECK(pidfd_open(-1, 0) == -1 && errno == EINVAL);
    CHECK(pidfd_open(pid, 0x1234) == -1 && errno == EINVAL);
    int pidfd = (int)pidfd_open(pid, 0);
    CHECK(pidfd >= 0);
    CHECK(fcntl(pidfd, F_GETFD) == FD_CLOEXEC);
    char buffer[64];
    CHECK(read(pidfd, buffer, 8) == -1 && errno == EINVAL);
    CHECK(poll_pidfd(pidfd, 0) == 0);
    int nonblocking = (int)pidfd_open(pid, O_NONBLOCK);
    CHECK(nonblocking >= 0);
    siginfo_t info;
    CHECK(waitid(P_PIDFD, nonblocking, &info, WEXITED) == -1 && errno == EAGAIN);
    CHECK(syscall(SYS_pidfd_send_signal, 0, 0, NULL, 0) == -1 && errno == EBADF);
    /* An fd of a /proc/PID directory names the process too; a thread's
       directory or another file does not. */
    signal(SIGUSR2, on_usr2);
    int proc_dir = open("/proc/self", O_RDONLY | O_DIRECTORY);
    CHECK(proc_dir >= 0);
    CHECK(syscall(SYS_pidfd_send_signal, proc_dir, SIGUSR2, NULL, 0) == 0);
    CHECK(usr2_seen == 1);
    char task_path[64];
    snprintf(task_path, sizeof task_path, "/proc/self/task/%d", (int)getpid());
    int task_dir = open(task_path, O_RDONLY | O_DIRECTORY);
    CHECK(task_dir >= 0);
    CHECK(syscall(SYS_pidfd_send_signal, task_dir, 0, NULL, 0) == -1 && errno == EBADF);
    int proc_file = open("/proc/self/status", O_RDONLY);
    CHECK(proc_file >= 0);
    CHECK(syscall(SYS_pidfd_send_signal, proc_file, 0, NULL, 0) == -1 && errno == EBADF);
    close(proc_file);
    close(task_dir);
    close(proc_dir);
    CHECK(syscall(SYS_pidfd_send_signal, pidfd, 0, NULL, 0x80) == -1 && errno == EINVAL);
    CHECK(syscall(SYS_pidfd_send_signal, pidfd, 0, NULL, 0) == 0);

    /* pidfd_getfd: the child's fd 1 is our pipe's write end. */
    CHECK(syscall(SYS_pidfd_getfd, pidfd, 99, 0) == -1 && errno == EBADF);
    int theirs = (int)syscall(SYS_pidfd_getfd, pidfd, 1, 0);
    CHECK(theirs >= 0 && fcntl(theirs, F_GETFD) == FD_CLOEXEC);
    CHECK(kcmp(getpid(), pid, KCMP_FILE, from_child[1], 1) == 0);
    CHECK(kcmp(getpid(), getpid(), KCMP_FILE, theirs, from_child[1]) == 0);
    long other = kcmp(getpid(), getpid(), KCMP_FILE, theirs, from_child[0]);
    CHECK(other == 1 || other == 2);
    CHECK(kcmp(getpid(), getpid(), KCMP_FILE, theirs, 99) == -1 && errno == EBADF);
    CHECK(kcmp(getpid(), getpid(), 99, 0, 0) == -1 && errno == EINVAL);
    CHECK(kcmp(getpid(), getpid(), KCMP_FILES, 0, 0) == 0 && kcmp(getpid(), getpid(), KCMP_VM, 0, 0) == 0);
    long files = kcmp(getpid(), pid, KCMP_FILES, 0, 0), vm = kcmp(getpid(), pid, KCMP_VM, 0, 0);
    CHECK((files == 1 || files == 2) && (vm == 1 || vm == 2));
    CHECK(write(theirs, "x", 1) == 1 && read(from_child[0], buffer, 1) == 1 && buffer[0] == 'x');

    /* process_vm_readv/writev into the child's buffer. */
    char got[64] = {0};
    struct iovec local = {got, 18}, remote = {(void*)(uintptr_t)address, 18};
    CHECK(process_vm_readv(pid, &local, 1, &remote, 1, 0) == 18);
    CHECK(memcmp(got, "the child's secret", 18) == 0);
    CHECK(process_vm_readv(pid, &local, 1, &remote, 1, 1) == -1 && errno == EINVAL);
    struct iovec nowhere = {(void*)16, 8};
    CHECK(process_vm_readv(pid, &local, 1, &nowhere, 1, 0) == -1 && errno == EFAULT);
    /* A partial transfer stops at the first bad element. */
    struct iovec two[2] = {{(void*)(uintptr_t)address, 4}, {(void*)16, 8}};
    CHECK(process_vm_readv(pid, &local, 1, two, 2, 0) == 4);
    const char* text = "PARENT wrote this";
    struct iovec pieces[2] = {{(void*)text, 7}, {(void*)(text + 7), strlen(text) + 1 - 7}};
    struct iovec target = {(void*)(uintptr_t)address, strlen(text) + 1};
    CHECK(process_vm_writev(pid, pieces, 2, &target, 1, 0) == (ssize_t)strlen(text) + 1);

    /* The child checks and exits: the pidfd turns readable; waitid reaps. */
    CHECK(write(to_child[1], "go", 1) == 1);
    CHECK(poll_pidfd(pidfd, 20000) & POLLIN);
    memset(&info, 0, sizeof info);
    CHECK(waitid(P_PIDFD, pidfd, &info, WEXITED) == 0);
    CHECK(info.si_pid == pid && info.si_code == CLD_EXITED && info.si_status == 0);
    CHECK((poll_pidfd(pidfd, 0) & (POLLIN | POLLHUP)) == (POLLIN | POLLHUP));
    CHECK(syscall(SYS_pidfd_send_signal, pidfd, SIGTERM, NULL, 0) == -1 && errno == ESRCH);
    CHECK(syscall(SYS_pidfd_getfd, pidfd, 1, 0) == -1 && errno == ESRCH);
    CHECK(pidfd_open(pid, 0) == -1 && errno == ESRCH);

    /* pidfd_send_signal ends a second child; waitid tells how. */
    posix_spawn_file_actions_t quiet;
    CHECK(posix_spawn_file_actions_init(&quiet) == 0);
    int hold[2];
    CHECK(pipe(hold) == 0);
    CHECK(posix_spawn_file_actions_adddup2(&quiet, hold[0], 0) == 0);
    CHECK(posix_spawn_file_actions_adddup2(&quiet, from_child[1], 1) == 0);
    CHECK(posix_spawn(&pid, "/proc/self/exe", &quiet, NULL, child_argv, environ) == 0);
    CHECK(read(from_child[0], &address, sizeof address) == sizeof address);
    int second = (int)pidfd_open(pid, 0);
    CHECK(second >= 0);
    CHECK(syscall(SYS_pidfd_send_signal, second, SIGTERM, NULL, 0) == 0);
    CHECK(waitid(P_PIDFD, second, &info, WEXITED) == 0);
    CHECK(info.si_pid == pid && info.si_code == CLD_KILLED && info.si_status == SIGTERM);
    printf("pidfd ok\n");
    return 0;
}
