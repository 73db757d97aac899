/* fork() with process.fork = "sequential": the child gets what looks like
   a copy of its parent's memory. Whatever the child writes, maps, unmaps,
   protects or grows is gone when its parent runs again; shared mappings
   stay shared; fds and signal actions are the child's own; exec and exit
   both end the child's use of the parent's memory. Also passes natively
   (FORK_NATIVE=1 skips the checks only cella's fork has). */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static int global_counter = 1;
static char global_text[64] = "parent's text";
static int atfork_parent_calls;

static int wait_for(pid_t pid) {
    int status;
    CHECK(waitpid(pid, &status, 0) == pid);
    return status;
}

static int exit_code_of(pid_t pid) {
    int status = wait_for(pid);
    CHECK(WIFEXITED(status));
    return WEXITSTATUS(status);
}

/* The child scribbles over everything its parent owns, then exits. */
static void check_memory_comes_back(void) {
    int on_stack = 11;
    char* small = malloc(100);
    CHECK(small);
    strcpy(small, "small heap block");
    size_t big_size = 4 << 20;  /* malloc takes this from mmap */
    char* big = malloc(big_size);
    CHECK(big);
    memset(big, 'b', big_size);
    char* mapped = mmap(NULL, 8 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(mapped != MAP_FAILED);
    memset(mapped, 'm', 8 * 4096);
    char* read_only = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(read_only != MAP_FAILED);
    strcpy(read_only, "written, then read-only");
    CHECK(mprotect(read_only, 4096, PROT_READ) == 0);
    char* shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(shared != MAP_FAILED);
    strcpy(shared, "before");
    char* shared_unmapped = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(shared_unmapped != MAP_FAILED);
    void* break_before = sbrk(0);
    pid_t parent = getpid();
    int report[2];
    CHECK(pipe(report) == 0);

    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        /* The child sees its parent's memory as it was. */
        int ok = global_counter == 1 && on_stack == 11 && strcmp(small, "small heap block") == 0 &&
                 big[0] == 'b' && big[big_size - 1] == 'b' && mapped[5] == 'm' &&
                 strcmp(read_only, "written, then read-only") == 0 && getppid() == parent && getpid() != parent;
        global_counter = 99;
        strcpy(global_text, "child's text");
        on_stack = 99;
        strcpy(small, "child was here");
        free(big);  /* munmap of a mapping its parent holds */
        memset(mapped + 4096, 'c', 4096);
        munmap(mapped + 2 * 4096, 2 * 4096);  /* splits the mapping */
        mprotect(read_only, 4096, PROT_READ | PROT_WRITE);
        strcpy(read_only, "child");
        strcpy(shared, "after");
        strcpy(shared_unmapped, "stays");
        munmap(shared_unmapped, 4096);  /* the parent's view of the pages stays */
        for (int i = 0; i < 64; ++i) {
            char* junk = malloc(100000);
            if (junk) memset(junk, 'j', 100000);
        }
        if (sbrk(1 << 20) != (void*)-1) memset(break_before, 'k', 1 << 20);
        char verdict = ok ? 'y' : 'n';
        if (write(report[1], &verdict, 1) != 1) _exit(2);
        _exit(7);
    }
    CHECK(exit_code_of(pid) == 7);
    char verdict = 0;
    CHECK(read(report[0], &verdict, 1) == 1 && verdict == 'y');
    close(report[0]);
    close(report[1]);
    CHECK(global_counter == 1);
    CHECK(strcmp(global_text, "parent's text") == 0);
    CHECK(on_stack == 11);
    CHECK(strcmp(small, "small heap block") == 0);
    for (size_t i = 0; i < big_size; i += 4096) CHECK(big[i] == 'b');
    CHECK(big[big_size - 1] == 'b');
    for (int i = 0; i < 8 * 4096; i += 512) CHECK(mapped[i] == 'm');
    CHECK(strcmp(read_only, "written, then read-only") == 0);
    CHECK(sbrk(0) == break_before);
    /* Shared memory is shared: the child's write stays. */
    CHECK(strcmp(shared, "after") == 0 && strcmp(shared_unmapped, "stays") == 0);
    /* The parent's protection is its own again: its mapping is writable. */
    memset(mapped, 'p', 8 * 4096);
    free(big);
    free(small);
    munmap(mapped, 8 * 4096);
    munmap(read_only, 4096);
    munmap(shared, 4096);
    munmap(shared_unmapped, 4096);
}

static void check_exec(const char* self) {
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        global_counter = 5;
        execl(self, self, "exit-with", "23", (char*)NULL);
        _exit(100);
    }
    CHECK(exit_code_of(pid) == 23);
    CHECK(global_counter == 1);
    /* A failed exec leaves the child running on its parent's memory. */
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        global_counter = 6;
        execl("/nonexistent/program", "x", (char*)NULL);
        _exit(errno == ENOENT ? 24 : 25);
    }
    CHECK(exit_code_of(pid) == 24);
    CHECK(global_counter == 1);
}

static void check_nested(void) {
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        global_counter = 2;
        pid_t grandchild = fork();
        if (grandchild < 0) _exit(30);
        if (grandchild == 0) {
            global_counter = 3;
            _exit(global_counter == 3 ? 31 : 32);
        }
        int status;
        if (waitpid(grandchild, &status, 0) != grandchild || !WIFEXITED(status) || WEXITSTATUS(status) != 31)
            _exit(33);
        _exit(global_counter == 2 ? 34 : 35);
    }
    CHECK(exit_code_of(pid) == 34);
    CHECK(global_counter == 1);
}

/* A child that writes more than a pipe holds before its parent reads:
   the shell's `x=$(builtin producing lots)`. */
static void check_big_output(void) {
    int fds[2];
    CHECK(pipe(fds) == 0);
    const size_t total = 1 << 20;
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        char chunk[4096];
        for (size_t done = 0; done < total; done += sizeof chunk) {
            for (size_t i = 0; i < sizeof chunk; ++i) chunk[i] = (char)((done + i) % 251);
            if (write(fds[1], chunk, sizeof chunk) != sizeof chunk) _exit(40);
        }
        _exit(0);
    }
    close(fds[1]);
    size_t got = 0;
    char buffer[8192];
    ssize_t n;
    while ((n = read(fds[0], buffer, sizeof buffer)) > 0) {
        for (ssize_t i = 0; i < n; ++i) CHECK(buffer[i] == (char)((got + (size_t)i) % 251));
        got += (size_t)n;
    }
    CHECK(n == 0 && got == total);
    close(fds[0]);
    CHECK(exit_code_of(pid) == 0);
}

static void on_usr1(int signal) { (void)signal; }

static void check_process_state(void) {
    int fd = dup(1);
    CHECK(fd >= 0);
    struct sigaction action = {0};
    action.sa_handler = on_usr1;
    CHECK(sigaction(SIGUSR1, &action, NULL) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        close(fd);
        signal(SIGUSR1, SIG_IGN);
        _exit(0);
    }
    CHECK(exit_code_of(pid) == 0);
    CHECK(fcntl(fd, F_GETFD) >= 0);  /* the child's close was its own */
    struct sigaction now;
    CHECK(sigaction(SIGUSR1, NULL, &now) == 0 && now.sa_handler == on_usr1);
    close(fd);

    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        kill(getpid(), SIGTERM);
        _exit(50);
    }
    int status = wait_for(pid);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
}

static void* idle_thread(void* arg) {
    int* fds = arg;
    char byte;
    if (read(fds[0], &byte, 1) != 1) return (void*)1;
    return NULL;
}

/* Only a process with one thread can fork in cella. */
static void check_threaded_refused(void) {
    int fds[2];
    CHECK(pipe(fds) == 0);
    pthread_t thread;
    CHECK(pthread_create(&thread, NULL, idle_thread, fds) == 0);
    errno = 0;
    pid_t pid = fork();
    if (pid == 0) _exit(0);
    CHECK(pid == -1 && errno == ENOSYS);
    CHECK(write(fds[1], "x", 1) == 1);
    void* result;
    CHECK(pthread_join(thread, &result) == 0 && result == NULL);
    close(fds[0]);
    close(fds[1]);
}

static void atfork_parent(void) { ++atfork_parent_calls; }

int main(int argc, char** argv) {
    if (argc == 3 && strcmp(argv[1], "exit-with") == 0) return atoi(argv[2]);
    int native = getenv("FORK_NATIVE") != NULL;
    CHECK(pthread_atfork(NULL, atfork_parent, NULL) == 0);
    check_memory_comes_back();
    check_exec(argv[0]);
    check_nested();
    check_big_output();
    check_process_state();
    CHECK(atfork_parent_calls == 7);
    if (!native) check_threaded_refused();
    puts("fork ok");
    return 0;
}
