/* System V shared memory between processes (this program run again as
   the child): one copy of the memory whichever process writes, nattch,
   IPC_RMID while attached (the segment stays until the last detach),
   SHM_RDONLY, SHM_RND, a chosen address, /proc/PID/maps. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

extern char** environ;

struct shared {
    volatile int stage;
    char text[64];
};

static void wait_stage(volatile struct shared* s, int stage) {
    while (s->stage != stage) sched_yield();
}

/* The child attaches the segment, reads what the parent wrote, answers. */
static int child(int id) {
    struct shared* s = shmat(id, NULL, 0);
    CHECK(s != (void*)-1);
    CHECK(strcmp(s->text, "from the parent") == 0);
    struct shmid_ds ds;
    CHECK(shmctl(id, IPC_STAT, &ds) == 0 && ds.shm_nattch == 3);
    strcpy(s->text, "from the child");
    s->stage = 1;
    wait_stage(s, 2);
    /* The parent removed it: it stays while attached, without its key. */
    CHECK(shmctl(id, IPC_STAT, &ds) == 0 && (ds.shm_perm.mode & 01000) && ds.shm_perm.__key == IPC_PRIVATE);
    /* Exits attached: the exit detaches. */
    return 0;
}

/* exec detaches: this process attaches, then becomes the "after-exec" role. */
static int attach_then_exec(int id) {
    CHECK(shmat(id, NULL, 0) != (void*)-1);
    struct shmid_ds ds;
    CHECK(shmctl(id, IPC_STAT, &ds) == 0 && ds.shm_nattch == 2);
    char number[16];
    snprintf(number, sizeof number, "%d", id);
    char* argv[] = {(char*)"sysv_shm", (char*)"after-exec", number, NULL};
    execve("/proc/self/exe", argv, environ);
    CHECK(!"execve failed");
    return 1;
}

static int after_exec(int id) {
    struct shmid_ds ds;
    CHECK(shmctl(id, IPC_STAT, &ds) == 0 && ds.shm_nattch == 1);
    char maps[16384];
    read_whole_file("/proc/self/maps", maps, sizeof maps);
    CHECK(strstr(maps, "/SYSV") == NULL);
    return 0;
}

/* fork: the child inherits the attachment (one more in nattch) and its
   writes reach the parent; its detach leaves the parent's attachment. */
static int fork_case(void) {
    int id = shmget(IPC_PRIVATE, 4096, 0600);
    CHECK(id >= 0);
    char* text = shmat(id, NULL, 0);
    CHECK(text != (void*)-1);
    strcpy(text, "parent");
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        struct shmid_ds ds;
        if (strcmp(text, "parent") != 0 || shmctl(id, IPC_STAT, &ds) != 0 || ds.shm_nattch != 2) _exit(1);
        strcpy(text, "child");
        _exit(shmdt(text) == 0 ? 0 : 2);
    }
    int status;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(strcmp(text, "child") == 0);
    struct shmid_ds ds;
    CHECK(shmctl(id, IPC_STAT, &ds) == 0 && ds.shm_nattch == 1);
    strcpy(text, "parent again");
    CHECK(shmctl(id, IPC_RMID, NULL) == 0 && shmdt(text) == 0);
    puts("sysv_shm fork ok");
    return 0;
}

static sigjmp_buf fault_jump;
static void on_segv(int signal) {
    (void)signal;
    siglongjmp(fault_jump, 1);
}

int main(int argc, char** argv) {
    if (argc == 3 && strcmp(argv[1], "attach-exec") == 0) return attach_then_exec(atoi(argv[2]));
    if (argc == 3 && strcmp(argv[1], "after-exec") == 0) return after_exec(atoi(argv[2]));
    if (argc == 3) return child(atoi(argv[2]));
    if (argc == 2 && strcmp(argv[1], "fork") == 0) return fork_case();

    key_t key = 0x54a30000 + (getpid() & 0xffff);
    int id = shmget(key, 10000, IPC_CREAT | IPC_EXCL | 0600);
    CHECK(id >= 0);
    CHECK(shmget(key, 10000, IPC_CREAT | IPC_EXCL | 0600) == -1 && errno == EEXIST);
    CHECK(shmget(key, 20000, 0) == -1 && errno == EINVAL);
    CHECK(shmget(key, 0, 0) == id);
    CHECK(shmget(key + 1, 100, 0) == -1 && errno == ENOENT);
    CHECK(shmget(IPC_PRIVATE, 0, IPC_CREAT) == -1 && errno == EINVAL);

    struct shared* s = shmat(id, NULL, 0);
    CHECK(s != (void*)-1 && ((uintptr_t)s & 4095) == 0);
    CHECK(s->stage == 0 && s->text[0] == 0);
    /* A second attachment in this process is the same memory at another address. */
    struct shared* again = shmat(id, NULL, 0);
    CHECK(again != (void*)-1 && again != s);
    strcpy(s->text, "from the parent");
    CHECK(strcmp(again->text, "from the parent") == 0);
    struct shmid_ds ds;
    CHECK(shmctl(id, IPC_STAT, &ds) == 0);
    CHECK(ds.shm_nattch == 2 && ds.shm_segsz == 10000 && ds.shm_cpid == getpid() && ds.shm_lpid == getpid());
    CHECK((ds.shm_perm.mode & 0777) == 0600 && ds.shm_perm.__key == key && ds.shm_atime > 0);

    /* /proc/self/maps names the attachment as Linux does. */
    char maps[16384];
    read_whole_file("/proc/self/maps", maps, sizeof maps);
    char name[64];
    snprintf(name, sizeof name, "/SYSV%08x (deleted)", key);
    char* line = strstr(maps, name);
    CHECK(line != NULL);
    while (line > maps && line[-1] != '\n') --line;
    CHECK(strtoull(line, NULL, 16) == (uintptr_t)s || strtoull(line, NULL, 16) == (uintptr_t)again);
    CHECK(strstr(line, " rw-s 00000000 ") != NULL);

    /* The child sees the parent's bytes and the parent the child's. */
    char number[16];
    snprintf(number, sizeof number, "%d", id);
    char* child_argv[] = {(char*)"sysv_shm", (char*)"child", number, NULL};
    pid_t pid;
    CHECK(posix_spawn(&pid, "/proc/self/exe", NULL, NULL, child_argv, environ) == 0);
    wait_stage(s, 1);
    CHECK(strcmp(s->text, "from the child") == 0);

    /* IPC_RMID while attached: still there, no longer found by key. */
    CHECK(shmctl(id, IPC_RMID, NULL) == 0);
    CHECK(shmget(key, 0, 0) == -1 && errno == ENOENT);
    s->stage = 2;
    int status;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(shmctl(id, IPC_STAT, &ds) == 0 && ds.shm_nattch == 2 && ds.shm_dtime > 0 && ds.shm_lpid == pid);
    CHECK(shmdt(again) == 0);
    CHECK(shmctl(id, IPC_STAT, &ds) == 0 && ds.shm_nattch == 1 && ds.shm_lpid == getpid());
    CHECK(shmdt(again) == -1 && errno == EINVAL);
    CHECK(strcmp(s->text, "from the child") == 0);
    CHECK(shmdt(s) == 0);
    /* The last detach took it away. */
    CHECK(shmctl(id, IPC_STAT, &ds) == -1 && errno == EINVAL);

    /* SHM_RDONLY: reading works, writing faults, mprotect cannot add write. */
    int ro = shmget(IPC_PRIVATE, 4096, 0600);
    CHECK(ro >= 0);
    char* writable = shmat(ro, NULL, 0);
    char* readable = shmat(ro, NULL, SHM_RDONLY);
    CHECK(writable != (void*)-1 && readable != (void*)-1);
    writable[100] = 'y';
    CHECK(readable[100] == 'y');
    /* MADV_REMOVE frees the segment's pages for every attachment. */
    CHECK(madvise(writable, 4096, MADV_REMOVE) == 0);
    CHECK(readable[100] == 0);
    writable[100] = 'x';
    CHECK(readable[100] == 'x');
    CHECK(mprotect(readable, 4096, PROT_READ | PROT_WRITE) == -1 && errno == EACCES);
    signal(SIGSEGV, on_segv);
    if (sigsetjmp(fault_jump, 1) == 0) {
        readable[0] = 'y';
        CHECK(!"a write through SHM_RDONLY succeeded");
    }
    signal(SIGSEGV, SIG_DFL);

    /* A chosen address: SHM_RND rounds it down; unaligned without it is EINVAL. */
    CHECK(shmdt(readable) == 0);
    char* chosen = mmap(NULL, 8192, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(chosen != MAP_FAILED);
    CHECK(munmap(chosen, 8192) == 0);
    CHECK(shmat(ro, chosen + 1, 0) == (void*)-1 && errno == EINVAL);
    char* at = shmat(ro, chosen + 1, SHM_RND);
    CHECK(at == chosen && at[100] == 'x');
    /* Taken addresses are EINVAL without SHM_REMAP. */
    CHECK(shmat(ro, chosen, 0) == (void*)-1 && errno == EINVAL);
    CHECK(shmctl(ro, IPC_STAT, &ds) == 0 && ds.shm_nattch == 2);
    /* munmap detaches too. */
    CHECK(munmap(at, 4096) == 0);
    CHECK(shmctl(ro, IPC_STAT, &ds) == 0 && ds.shm_nattch == 1);
    snprintf(number, sizeof number, "%d", ro);
    char* exec_argv[] = {(char*)"sysv_shm", (char*)"attach-exec", number, NULL};
    CHECK(posix_spawn(&pid, "/proc/self/exe", NULL, NULL, exec_argv, environ) == 0);
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CHECK(shmctl(ro, SHM_LOCK, NULL) == 0);
    CHECK(shmctl(ro, IPC_STAT, &ds) == 0 && (ds.shm_perm.mode & 02000));
    CHECK(shmctl(ro, SHM_UNLOCK, NULL) == 0);
    CHECK(shmctl(ro, IPC_RMID, NULL) == 0);
    CHECK(shmdt(writable) == 0);

    /* The info calls. */
    struct shminfo info;
    CHECK(shmctl(0, IPC_INFO, (struct shmid_ds*)&info) >= 0 && info.shmmni == 4096 && info.shmmin == 1);
    struct shm_info usage;
    CHECK(shmctl(0, SHM_INFO, (struct shmid_ds*)&usage) >= 0);
    puts("sysv_shm ok");
    return 0;
}
