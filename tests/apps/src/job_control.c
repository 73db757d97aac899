/* Job control between processes: SIGSTOP/SIGTSTP/SIGCONT reported by
   waitpid (WUNTRACED, WCONTINUED) and SIGCHLD, SIGKILL on a stopped child,
   signals to a process group and to every process, and waiting by group. */
#define _GNU_SOURCE
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

extern char** environ;

static volatile sig_atomic_t stopped_reports, continued_reports;

static void on_sigchld(int signal, siginfo_t* info, void* context) {
    (void)signal;
    (void)context;
    if (info->si_code == CLD_STOPPED) stopped_reports++;
    if (info->si_code == CLD_CONTINUED) continued_reports++;
}

/* A child that waits until its stdin closes, then exits 5. */
static pid_t spawn_blocked(int* writer, posix_spawnattr_t* attr) {
    int fds[2];
    CHECK(pipe(fds) == 0);
    posix_spawn_file_actions_t actions;
    CHECK(posix_spawn_file_actions_init(&actions) == 0);
    CHECK(posix_spawn_file_actions_adddup2(&actions, fds[0], 0) == 0);
    CHECK(posix_spawn_file_actions_addclose(&actions, fds[1]) == 0);
    char* argv[] = {(char*)"job_control", (char*)"block", NULL};
    pid_t pid;
    CHECK(posix_spawn(&pid, "/proc/self/exe", &actions, attr, argv, environ) == 0);
    posix_spawn_file_actions_destroy(&actions);
    CHECK(close(fds[0]) == 0);
    *writer = fds[1];
    return pid;
}

static void wait_for_reports(volatile sig_atomic_t* counter, int wanted) {
    for (int i = 0; i < 2000 && *counter < wanted; ++i) usleep(1000);
    CHECK(*counter >= wanted);
}

static void check_stop_continue(void) {
    int writer, status;
    pid_t pid = spawn_blocked(&writer, NULL);
    CHECK(kill(pid, SIGSTOP) == 0);
    CHECK(waitpid(pid, &status, WUNTRACED) == pid && WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP);
    wait_for_reports(&stopped_reports, 1);
    /* Reported once. */
    CHECK(waitpid(pid, &status, WUNTRACED | WNOHANG) == 0);
    /* Data sent while it is stopped waits for it. */
    CHECK(write(writer, "x", 1) == 1);
    CHECK(kill(pid, SIGCONT) == 0);
    CHECK(waitpid(pid, &status, WCONTINUED) == pid && WIFCONTINUED(status));
    wait_for_reports(&continued_reports, 1);
    CHECK(close(writer) == 0);
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 5);

    /* SIGKILL ends a stopped process. */
    pid = spawn_blocked(&writer, NULL);
    CHECK(kill(pid, SIGSTOP) == 0);
    CHECK(waitpid(pid, &status, WUNTRACED) == pid && WIFSTOPPED(status));
    CHECK(kill(pid, SIGKILL) == 0);
    CHECK(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    close(writer);

    /* A child stopped while running application code (not in a syscall)
       continues and can be ended. */
    char* spin_argv[] = {(char*)"job_control", (char*)"spin", NULL};
    CHECK(posix_spawn(&pid, "/proc/self/exe", NULL, NULL, spin_argv, environ) == 0);
    usleep(20 * 1000);
    CHECK(kill(pid, SIGSTOP) == 0);
    CHECK(waitpid(pid, &status, WUNTRACED) == pid && WIFSTOPPED(status));
    CHECK(kill(pid, SIGCONT) == 0);
    CHECK(waitpid(pid, &status, WCONTINUED) == pid && WIFCONTINUED(status));
    CHECK(kill(pid, SIGTERM) == 0);
    CHECK(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);

    /* A process stopping itself with SIGTSTP; waitid sees it too. */
    char* argv[] = {(char*)"job_control", (char*)"tstp", NULL};
    CHECK(posix_spawn(&pid, "/proc/self/exe", NULL, NULL, argv, environ) == 0);
    siginfo_t info;
    memset(&info, 0, sizeof info);
    CHECK(waitid(P_PID, (id_t)pid, &info, WSTOPPED) == 0);
    CHECK(info.si_pid == pid && info.si_code == CLD_STOPPED && info.si_status == SIGTSTP);
    CHECK(kill(pid, SIGCONT) == 0);
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 6);
}

static void check_groups(void) {
    /* Three children in one new group led by the first. */
    posix_spawnattr_t attr;
    CHECK(posix_spawnattr_init(&attr) == 0);
    CHECK(posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP) == 0);
    CHECK(posix_spawnattr_setpgroup(&attr, 0) == 0);
    int writers[3];
    pid_t pids[3];
    pids[0] = spawn_blocked(&writers[0], &attr);
    CHECK(posix_spawnattr_setpgroup(&attr, pids[0]) == 0);
    pids[1] = spawn_blocked(&writers[1], &attr);
    pids[2] = spawn_blocked(&writers[2], &attr);
    for (int i = 0; i < 3; ++i) CHECK(getpgid(pids[i]) == pids[0]);
    /* A child that has called execve can no longer be moved by its parent. */
    CHECK(setpgid(pids[2], pids[2]) == -1 && errno == EACCES);
    CHECK(kill(-pids[0], SIGTERM) == 0);
    for (int i = 0; i < 3; ++i) {
        int status;
        pid_t done = waitpid(-pids[0], &status, 0);
        CHECK(done > 0 && WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
    }
    CHECK(waitpid(-pids[0], NULL, 0) == -1 && errno == ECHILD);
    CHECK(kill(-pids[0], SIGTERM) == -1 && errno == ESRCH);
    for (int i = 0; i < 3; ++i) close(writers[i]);
    posix_spawnattr_destroy(&attr);

    /* kill(-1): every process but pid 1 and the sender. Only safe as pid 1. */
    if (getpid() == 1) {
        int writer;
        pid_t pid = spawn_blocked(&writer, NULL);
        CHECK(kill(-1, SIGUSR1) == 0);
        int status;
        CHECK(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) && WTERMSIG(status) == SIGUSR1);
        close(writer);
    }
}

int main(int argc, char** argv) {
    if (argc == 2 && strcmp(argv[1], "block") == 0) {
        char c;
        while (read(0, &c, 1) > 0) {
        }
        return 5;
    }
    if (argc == 2 && strcmp(argv[1], "spin") == 0) {
        for (volatile unsigned long i = 0;; ++i) {
        }
    }
    if (argc == 2 && strcmp(argv[1], "tstp") == 0) {
        raise(SIGTSTP);
        return 6;
    }
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = on_sigchld;
    action.sa_flags = SA_SIGINFO | SA_RESTART;
    CHECK(sigaction(SIGCHLD, &action, NULL) == 0);
    check_stop_continue();
    check_groups();
    printf("job_control ok\n");
    return 0;
}
