/* Path and file edge cases programs run into: creat, mkdir of the root and
   of mount points (busybox `mkdir -p`), readlink(""), writing to a
   directory, O_CREAT through a dangling symlink, and a ramfs folder with
   many files listed while it is emptied. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "check.h"

static char base[64];

static char* at(const char* name) {
    static char paths[4][128];
    static int next;
    char* path = paths[next++ % 4];
    snprintf(path, sizeof paths[0], "%s/%s", base, name);
    return path;
}

static void creat_call(void) {
    mode_t old = umask(022);
    int fd = creat(at("created"), 0666);
    CHECK(fd >= 0);
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0777) == 0644);
    CHECK(write(fd, "hello", 5) == 5);
    char byte;
    CHECK(read(fd, &byte, 1) == -1 && errno == EBADF); /* write-only */
    CHECK(fcntl(fd, F_GETFL) & O_WRONLY);
    close(fd);
    fd = creat(at("created"), 0600); /* truncates what is there */
    CHECK(fd >= 0 && fstat(fd, &st) == 0 && st.st_size == 0 && (st.st_mode & 0777) == 0644);
    close(fd);
    CHECK(creat(base, 0600) == -1 && errno == EISDIR);
    CHECK(creat(at("missing/file"), 0600) == -1 && errno == ENOENT);
    CHECK(unlink(at("created")) == 0);
    umask(old);
}

static void roots_and_mount_points(void) {
    CHECK(mkdir("/", 0755) == -1 && errno == EEXIST);
    CHECK(mkdir("/.", 0755) == -1 && errno == EEXIST);
    CHECK(mkdir("//", 0755) == -1 && errno == EEXIST);
    CHECK(mkdir("/tmp", 0755) == -1 && errno == EEXIST);
    CHECK(mkdir("/tmp/", 0755) == -1 && errno == EEXIST);
    CHECK(mkdir("/proc", 0755) == -1 && errno == EEXIST);
    CHECK(mkdir("/dev", 0755) == -1 && errno == EEXIST);
    CHECK(mkdir(base, 0755) == -1 && errno == EEXIST);
    CHECK(rmdir("/") == -1 && errno == EBUSY);
    CHECK(unlink("/") == -1 && errno == EISDIR);
    /* What `mkdir -p base/a/b` does, one component after the other. */
    CHECK(mkdir(at("a"), 0755) == 0);
    CHECK(mkdir(at("a/b"), 0755) == 0);
    CHECK(mkdir(at("a/b"), 0755) == -1 && errno == EEXIST);
    CHECK(rmdir(at("a/b")) == 0 && rmdir(at("a")) == 0);
}

static void readlink_and_directories(void) {
    char target[64];
    CHECK(readlink("", target, sizeof target) == -1 && errno == ENOENT);
    int dir = open(base, O_RDONLY | O_DIRECTORY);
    CHECK(dir >= 0);
    CHECK(readlinkat(dir, "", target, sizeof target) == -1 && errno == ENOENT);
    CHECK(readlink(base, target, sizeof target) == -1 && errno == EINVAL);
    /* A directory opens only for reading; writing to it is EBADF. */
    CHECK(write(dir, "x", 1) == -1 && errno == EBADF);
    CHECK(open(base, O_WRONLY) == -1 && errno == EISDIR);
    CHECK(open(base, O_RDWR) == -1 && errno == EISDIR);
    CHECK(open(base, O_RDONLY | O_CREAT, 0600) == -1 && errno == EISDIR);
    close(dir);
    /* O_PATH | O_NOFOLLOW names a symlink itself; O_PATH moves no data. */
    CHECK(symlink("somewhere", at("link")) == 0);
    int link = open(at("link"), O_PATH | O_NOFOLLOW);
    CHECK(link >= 0);
    struct stat st;
    CHECK(fstat(link, &st) == 0 && S_ISLNK(st.st_mode));
    ssize_t n = readlinkat(link, "", target, sizeof target);
    CHECK(n == 9 && memcmp(target, "somewhere", 9) == 0);
    CHECK(open(at("link"), O_RDONLY | O_NOFOLLOW) == -1 && errno == ELOOP);
    close(link);
    CHECK(unlink(at("link")) == 0);
    int path_only = open(base, O_PATH);
    CHECK(path_only >= 0);
    CHECK(read(path_only, target, 1) == -1 && errno == EBADF);
    CHECK(syscall(SYS_getdents64, path_only, target, sizeof target) == -1 && errno == EBADF);
    close(path_only);
}

static void create_through_dangling_links(void) {
    struct stat st;
    /* Relative, absolute, and a chain of two links. */
    CHECK(symlink("target1", at("link1")) == 0);
    int fd = open(at("link1"), O_WRONLY | O_CREAT, 0600);
    CHECK(fd >= 0);
    CHECK(write(fd, "abc", 3) == 3);
    close(fd);
    CHECK(stat(at("target1"), &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 3);
    CHECK(lstat(at("link1"), &st) == 0 && S_ISLNK(st.st_mode));
    CHECK(symlink(at("target2"), at("link2")) == 0);
    CHECK(symlink("link2", at("link3")) == 0);
    fd = open(at("link3"), O_RDWR | O_CREAT, 0600);
    CHECK(fd >= 0);
    close(fd);
    CHECK(stat(at("target2"), &st) == 0 && S_ISREG(st.st_mode));
    /* An existing target is opened, not made again. */
    fd = open(at("link1"), O_RDONLY | O_CREAT, 0600);
    CHECK(fd >= 0 && fstat(fd, &st) == 0 && st.st_size == 3);
    close(fd);
    /* O_EXCL and O_NOFOLLOW refuse a link; a target that must be a folder, or under a missing one, fails. */
    CHECK(symlink("target4", at("link4")) == 0);
    CHECK(open(at("link4"), O_WRONLY | O_CREAT | O_EXCL, 0600) == -1 && errno == EEXIST);
    CHECK(open(at("link4"), O_WRONLY | O_CREAT | O_NOFOLLOW, 0600) == -1 && errno == ELOOP);
    CHECK(lstat(at("target4"), &st) == -1 && errno == ENOENT);
    CHECK(symlink("target5/", at("link5")) == 0);
    CHECK(open(at("link5"), O_WRONLY | O_CREAT, 0600) == -1 && errno == EISDIR);
    CHECK(symlink("missing/target6", at("link6")) == 0);
    CHECK(open(at("link6"), O_WRONLY | O_CREAT, 0600) == -1 && errno == ENOENT);
    /* A loop stays a loop. */
    CHECK(symlink("link7", at("link7")) == 0);
    CHECK(open(at("link7"), O_WRONLY | O_CREAT, 0600) == -1 && errno == ELOOP);
    const char* names[] = {"link1", "target1", "link2", "target2", "link3", "link4", "link5", "link6", "link7"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; ++i) CHECK(unlink(at(names[i])) == 0);
}

/* Many files in one folder: each name is listed once, also when the
   listing resumes after telldir/seekdir, and when the folder is emptied
   while it is being listed (as rm -r does). */
static void many_files(void) {
    enum { kFiles = 20000 };
    CHECK(mkdir(at("many"), 0755) == 0);
    char name[160];
    for (int i = 0; i < kFiles; ++i) {
        snprintf(name, sizeof name, "%s/file-%05d", at("many"), i);
        int fd = open(name, O_WRONLY | O_CREAT | O_EXCL, 0600);
        CHECK(fd >= 0);
        close(fd);
    }
    struct stat st;
    snprintf(name, sizeof name, "%s/file-%05d", at("many"), kFiles / 2);
    CHECK(stat(name, &st) == 0);
    unsigned char* seen = calloc(kFiles, 1);
    CHECK(seen != NULL);
    DIR* dir = opendir(at("many"));
    CHECK(dir != NULL);
    int count = 0;
    long middle = -1;
    char after_middle[256] = "";
    struct dirent* entry;
    while ((entry = readdir(dir)) != NULL) {
        if (entry->d_name[0] == '.') continue;
        int number = atoi(entry->d_name + 5);
        CHECK(number >= 0 && number < kFiles && !seen[number]);
        seen[number] = 1;
        if (++count == kFiles / 3) middle = telldir(dir);
        else if (count == kFiles / 3 + 1) snprintf(after_middle, sizeof after_middle, "%s", entry->d_name);
    }
    CHECK(count == kFiles);
    seekdir(dir, middle);
    entry = readdir(dir);
    CHECK(entry != NULL && strcmp(entry->d_name, after_middle) == 0);
    closedir(dir);
    /* Empty it while listing. */
    dir = opendir(at("many"));
    CHECK(dir != NULL);
    int removed = 0;
    while ((entry = readdir(dir)) != NULL) {
        if (entry->d_name[0] == '.') continue;
        CHECK(unlinkat(dirfd(dir), entry->d_name, 0) == 0);
        ++removed;
    }
    closedir(dir);
    CHECK(removed == kFiles);
    CHECK(rmdir(at("many")) == 0);
    free(seen);
}

int main(void) {
    snprintf(base, sizeof base, "/tmp/cella-edges-%d", getpid());
    CHECK(mkdir(base, 0755) == 0);
    creat_call();
    roots_and_mount_points();
    readlink_and_directories();
    create_through_dangling_links();
    many_files();
    CHECK(rmdir(base) == 0);
    printf("file_edges ok\n");
    return 0;
}
