/* New processes: posix_spawn, vfork (+ _exit, + execve), wait4/waitpid/
   waitid with their options, SIGCHLD, orphans, kill to a child, and fork's
   ENOSYS. Runs itself as the child program ("spawn child MODE"). */
#define _GNU_SOURCE
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

extern char** environ;

static const char* self_path;
static volatile sig_atomic_t sigchld_count;
static volatile pid_t sigchld_pid;
static volatile int sigchld_code;

static void on_sigchld(int signal, siginfo_t* info, void* context) {
    (void)signal;
    (void)context;
    sigchld_count++;
    sigchld_pid = info->si_pid;
    sigchld_code = info->si_code;
}

static pid_t spawn_child(const char* mode, const char* arg) {
    char* argv[] = {(char*)"spawn", (char*)"child", (char*)mode, (char*)arg, NULL};
    pid_t pid;
    int error = posix_spawn(&pid, self_path, NULL, NULL, argv, environ);
    CHECK(error == 0);
    return pid;
}

static int child_main(const char* mode, const char* arg) {
    if (strcmp(mode, "exit") == 0) return atoi(arg);
    if (strcmp(mode, "ppid") == 0) return getppid() == atoi(arg) ? 0 : 1;
    if (strcmp(mode, "block") == 0) {
        /* Waits until its stdin (a pipe) closes. */
        char c;
        while (read(0, &c, 1) > 0) {
        }
        return 5;
    }
    if (strcmp(mode, "orphan-parent") == 0) {
        /* Spawns a grandchild that outlives us and reports its parent. */
        pid_t grandchild = spawn_child("sleep-then-ppid", arg);
        CHECK(grandchild > 0);
        return 0;
    }
    if (strcmp(mode, "sleep-then-ppid") == 0) {
        /* Waits until pid 1 has adopted us (up to 20 s: a loaded machine
           may take longer than any fixed pause; the parent may also be gone
           already), then tells the test through the fd who our parent is. */
        for (int i = 0; i < 20000 && getppid() != 1; ++i) usleep(1000);
        char line[32];
        int n = snprintf(line, sizeof line, "%d\n", getppid());
        CHECK(write(atoi(arg), line, (size_t)n) == n);
        return 0;
    }
    if (strcmp(mode, "selfkill") == 0) {
        raise(SIGUSR1);
        return 0;
    }
    fprintf(stderr, "unknown child mode %s\n", mode);
    return 99;
}

static void check_exit_status(void) {
    pid_t pid = spawn_child("exit", "7");
    int status = 0;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 7);
    /* Reaped: nothing left to wait for. */
    CHECK(waitpid(pid, &status, 0) == -1 && errno == ECHILD);
    CHECK(wait(&status) == -1 && errno == ECHILD);
}

static void check_ppid(void) {
    char me[16];
    snprintf(me, sizeof me, "%d", getpid());
    pid_t pid = spawn_child("ppid", me);
    int status;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void check_vfork(void) {
    volatile int shared = 0;
    pid_t pid = vfork();
    if (pid == 0) {
        /* The child runs on our memory while we wait. */
        shared = 42;
        _exit(3);
    }
    CHECK(pid > 0);
    CHECK(shared == 42);
    int status;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 3);

    pid = vfork();
    if (pid == 0) {
        char* argv[] = {(char*)"spawn", (char*)"child", (char*)"exit", (char*)"11", NULL};
        execve(self_path, argv, environ);
        _exit(127);
    }
    CHECK(pid > 0);
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 11);

    /* A failing execve returns to the child, still on our memory. */
    pid = vfork();
    if (pid == 0) {
        char* argv[] = {(char*)"nothing", NULL};
        execve("/no/such/program", argv, environ);
        _exit(errno == ENOENT ? 21 : 22);
    }
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 21);
    /* posix_spawn reports the same failure to its caller. */
    char* argv[] = {(char*)"nothing", NULL};
    CHECK(posix_spawn(&pid, "/no/such/program", NULL, NULL, argv, environ) == ENOENT);
}

static void check_nohang_and_kill(void) {
    int in[2];
    CHECK(pipe(in) == 0);
    posix_spawn_file_actions_t actions;
    CHECK(posix_spawn_file_actions_init(&actions) == 0);
    CHECK(posix_spawn_file_actions_adddup2(&actions, in[0], 0) == 0);
    CHECK(posix_spawn_file_actions_addclose(&actions, in[1]) == 0);
    char* argv[] = {(char*)"spawn", (char*)"child", (char*)"block", NULL};
    pid_t pid;
    CHECK(posix_spawn(&pid, self_path, &actions, NULL, argv, environ) == 0);
    posix_spawn_file_actions_destroy(&actions);
    CHECK(close(in[0]) == 0);
    int status = 0;
    CHECK(waitpid(pid, &status, WNOHANG) == 0);
    siginfo_t info;
    memset(&info, 0xff, sizeof info);
    CHECK(waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG) == 0 && info.si_pid == 0);
    /* Closing the pipe lets it finish with 5. */
    CHECK(close(in[1]) == 0);
    memset(&info, 0, sizeof info);
    CHECK(waitid(P_PID, (id_t)pid, &info, WEXITED | WNOWAIT) == 0);
    CHECK(info.si_pid == pid && info.si_signo == SIGCHLD && info.si_code == CLD_EXITED && info.si_status == 5);
    /* WNOWAIT left it waitable. */
    struct rusage usage;
    CHECK(wait4(pid, &status, 0, &usage) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 5);

    /* kill() to a child; the status says which signal. */
    CHECK(pipe(in) == 0);
    CHECK(posix_spawn_file_actions_init(&actions) == 0);
    CHECK(posix_spawn_file_actions_adddup2(&actions, in[0], 0) == 0);
    CHECK(posix_spawn(&pid, self_path, &actions, NULL, argv, environ) == 0);
    posix_spawn_file_actions_destroy(&actions);
    CHECK(kill(pid, 0) == 0);
    CHECK(kill(pid, SIGTERM) == 0);
    CHECK(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
    CHECK(kill(pid, 0) == -1 && errno == ESRCH);
    close(in[0]);
    close(in[1]);

    pid = spawn_child("selfkill", "");
    CHECK(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) && WTERMSIG(status) == SIGUSR1);
}

static void check_sigchld(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = on_sigchld;
    action.sa_flags = SA_SIGINFO | SA_RESTART;
    CHECK(sigaction(SIGCHLD, &action, NULL) == 0);
    sigchld_count = 0;
    pid_t pid = spawn_child("exit", "0");
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    for (int i = 0; i < 1000 && sigchld_count == 0; ++i) usleep(1000);
    CHECK(sigchld_count == 1 && sigchld_pid == pid && sigchld_code == CLD_EXITED);
    signal(SIGCHLD, SIG_DFL);

    /* SIG_IGN: children are reaped at once and wait finds none. */
    signal(SIGCHLD, SIG_IGN);
    pid = spawn_child("exit", "0");
    CHECK(waitpid(pid, &status, 0) == -1 && errno == ECHILD);
    signal(SIGCHLD, SIG_DFL);
}

static void check_many(void) {
    enum { kChildren = 200 };
    for (int i = 0; i < kChildren; ++i) {
        char code[8];
        snprintf(code, sizeof code, "%d", i % 50);
        pid_t pid = spawn_child("exit", code);
        int status;
        CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == i % 50);
    }
    /* And 20 at once, reaped by wait() in any order. */
    pid_t pids[20];
    for (int i = 0; i < 20; ++i) pids[i] = spawn_child("exit", "9");
    for (int i = 0; i < 20; ++i) {
        int status;
        pid_t done = wait(&status);
        CHECK(done > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 9);
        int found = 0;
        for (int j = 0; j < 20; ++j) {
            if (pids[j] == done) {
                pids[j] = 0;
                found = 1;
            }
        }
        CHECK(found);
    }
    CHECK(wait(NULL) == -1 && errno == ECHILD);
}

static void check_orphan(void) {
    int report[2];
    CHECK(pipe(report) == 0);
    char fd[16];
    snprintf(fd, sizeof fd, "%d", report[1]);
    pid_t pid = spawn_child("orphan-parent", fd);
    int status;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(close(report[1]) == 0);
    char line[32] = {0};
    CHECK(read(report[0], line, sizeof line - 1) > 0);
    CHECK(atoi(line) == 1);
    close(report[0]);
}

int main(int argc, char** argv) {
    self_path = "/proc/self/exe";
    if (argc >= 3 && strcmp(argv[1], "child") == 0) return child_main(argv[2], argc > 3 ? argv[3] : "");
    char exe[256];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    CHECK(n > 0);
    exe[n] = '\0';
    self_path = exe;

    /* Natively fork works; in cella it is ENOSYS (one address space). */
    errno = 0;
    CHECK(getenv("SPAWN_NATIVE") || (syscall(SYS_fork) == -1 && errno == ENOSYS));
    check_exit_status();
    check_ppid();
    check_vfork();
    check_nohang_and_kill();
    check_sigchld();
    check_many();
    check_orphan();
    printf("spawn ok\n");
    return 0;
}
