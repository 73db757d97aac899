/* /dev/shm is there by default, with tmpfs semantics: shm_open, ftruncate
   and mmap of a POSIX shared memory object, and named semaphores
   (sem_open, sem_post, sem_wait, sem_getvalue, sem_unlink). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <semaphore.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "check.h"

int main(void) {
    struct stat st;
    CHECK(stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode));
    CHECK((st.st_mode & 01777) == 01777);
    struct statfs fs;
    CHECK(statfs("/dev/shm", &fs) == 0 && fs.f_type == 0x01021994);

    char name[64];
    snprintf(name, sizeof name, "/cella-shm-test-%d", (int)getpid());
    int fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
    CHECK(fd >= 0);
    CHECK(shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600) == -1 && errno == EEXIST);
    CHECK(ftruncate(fd, 8192) == 0);
    CHECK(fstat(fd, &st) == 0 && st.st_size == 8192 && (st.st_mode & 0777) == 0600);
    char* memory = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(memory != MAP_FAILED);
    CHECK(memory[0] == 0 && memory[8191] == 0);
    strcpy(memory + 4096, "shared memory");
    CHECK(msync(memory, 8192, MS_SYNC) == 0);
    char path[96], text[32] = {0};
    snprintf(path, sizeof path, "/dev/shm%s", name);
    int again = open(path, O_RDONLY);
    CHECK(again >= 0);
    CHECK(pread(again, text, 13, 4096) == 13 && strcmp(text, "shared memory") == 0);
    close(again);
    CHECK(munmap(memory, 8192) == 0);
    close(fd);
    CHECK(shm_unlink(name) == 0);
    CHECK(shm_unlink(name) == -1 && errno == ENOENT);
    CHECK(shm_open(name, O_RDWR, 0) == -1 && errno == ENOENT);

    snprintf(name, sizeof name, "/cella-sem-test-%d", (int)getpid());
    sem_t* sem = sem_open(name, O_CREAT | O_EXCL, 0600, 2);
    CHECK(sem != SEM_FAILED);
    int value = -1;
    CHECK(sem_getvalue(sem, &value) == 0 && value == 2);
    CHECK(sem_wait(sem) == 0 && sem_wait(sem) == 0);
    CHECK(sem_trywait(sem) == -1 && errno == EAGAIN);
    CHECK(sem_post(sem) == 0);
    /* A second handle on the same name sees the same count. */
    sem_t* same = sem_open(name, 0);
    CHECK(same != SEM_FAILED);
    CHECK(sem_getvalue(same, &value) == 0 && value == 1);
    CHECK(sem_wait(same) == 0);
    CHECK(sem_getvalue(sem, &value) == 0 && value == 0);
    CHECK(sem_close(same) == 0);
    CHECK(sem_close(sem) == 0);
    CHECK(sem_unlink(name) == 0);
    CHECK(sem_open(name, 0) == SEM_FAILED && errno == ENOENT);

    /* An unnamed process-shared semaphore in shared memory. */
    sem_t* unnamed = mmap(NULL, sizeof(sem_t), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(unnamed != MAP_FAILED);
    CHECK(sem_init(unnamed, 1, 1) == 0);
    CHECK(sem_wait(unnamed) == 0 && sem_trywait(unnamed) == -1 && errno == EAGAIN);
    CHECK(sem_post(unnamed) == 0 && sem_destroy(unnamed) == 0);
    puts("dev_shm ok");
    return 0;
}
