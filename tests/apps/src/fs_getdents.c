/* Directory listings: the legacy getdents (d_type in the record's last
   byte) agrees with getdents64, and a folder lists the mount points in it
   (/dev, /proc, /tmp under /) once each, as folders. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "check.h"

struct linux_dirent {
    unsigned long d_ino;
    unsigned long d_off;
    unsigned short d_reclen;
    char d_name[];
};

struct linux_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

#define MAX_ENTRIES 512
struct entry {
    char name[256];
    uint64_t ino;
    unsigned char type;
};

/* Lists `path` with one of the two calls; a small buffer makes several calls. */
static int list(const char* path, int legacy, struct entry* out, size_t buffer_size) {
    int fd = open(path, O_RDONLY | O_DIRECTORY);
    CHECK(fd >= 0);
    char buffer[4096];
    CHECK(buffer_size <= sizeof buffer);
    int count = 0;
    while (1) {
        long n = syscall(legacy ? SYS_getdents : SYS_getdents64, fd, buffer, buffer_size);
        CHECK(n >= 0);
        if (n == 0) break;
        for (long at = 0; at < n;) {
            CHECK(count < MAX_ENTRIES);
            if (legacy) {
                struct linux_dirent* d = (struct linux_dirent*)(buffer + at);
                CHECK(d->d_reclen % 8 == 0 && d->d_reclen <= n - at);
                snprintf(out[count].name, sizeof out[count].name, "%s", d->d_name);
                out[count].ino = d->d_ino;
                out[count].type = (unsigned char)buffer[at + d->d_reclen - 1];
                at += d->d_reclen;
            } else {
                struct linux_dirent64* d = (struct linux_dirent64*)(buffer + at);
                CHECK(d->d_reclen % 8 == 0 && d->d_reclen <= n - at);
                snprintf(out[count].name, sizeof out[count].name, "%s", d->d_name);
                out[count].ino = d->d_ino;
                out[count].type = d->d_type;
                at += d->d_reclen;
            }
            ++count;
        }
    }
    /* Too small a buffer for one record is EINVAL. */
    CHECK(lseek(fd, 0, SEEK_SET) == 0);
    CHECK(syscall(legacy ? SYS_getdents : SYS_getdents64, fd, buffer, 8) == -1 && errno == EINVAL);
    close(fd);
    return count;
}

static const struct entry* find(const struct entry* entries, int count, const char* name) {
    const struct entry* found = NULL;
    for (int i = 0; i < count; ++i) {
        if (strcmp(entries[i].name, name) == 0) {
            CHECK(found == NULL); /* once only */
            found = &entries[i];
        }
    }
    return found;
}

static struct entry legacy[MAX_ENTRIES], modern[MAX_ENTRIES];

static void compare_listings(const char* path) {
    int n_legacy = list(path, 1, legacy, 4096);
    int n_modern = list(path, 0, modern, 4096);
    CHECK(n_legacy == n_modern);
    for (int i = 0; i < n_modern; ++i) {
        CHECK(strcmp(legacy[i].name, modern[i].name) == 0);
        CHECK(legacy[i].ino == modern[i].ino && legacy[i].type == modern[i].type);
    }
    /* A buffer that holds only a record or two at a time gives the same list. */
    int n_small = list(path, 1, legacy, 64);
    CHECK(n_small == n_modern);
    for (int i = 0; i < n_modern; ++i) CHECK(strcmp(legacy[i].name, modern[i].name) == 0);
}

int main(void) {
    compare_listings("/");
    int count = list("/", 0, modern, 4096);
    struct stat root;
    CHECK(stat("/", &root) == 0);
    const char* mounts[] = {"dev", "proc", "tmp"};
    for (int i = 0; i < 3; ++i) {
        const struct entry* e = find(modern, count, mounts[i]);
        CHECK(e != NULL);
        CHECK(e->type == DT_DIR && e->ino != 0);
    }
    CHECK(find(modern, count, ".") && find(modern, count, ".."));
    /* Entries of the root's own file system carry the inode stat reports. */
    for (int i = 0; i < count; ++i) {
        char path[300];
        snprintf(path, sizeof path, "/%s", modern[i].name);
        struct stat st;
        CHECK(lstat(path, &st) == 0);
        if (st.st_dev == root.st_dev && strcmp(modern[i].name, "..") != 0) CHECK(modern[i].ino == st.st_ino);
    }

    /* Types in a folder of /tmp. */
    char dir[64];
    snprintf(dir, sizeof dir, "/tmp/getdents-%d", (int)getpid());
    CHECK(mkdir(dir, 0755) == 0);
    char path[128];
    snprintf(path, sizeof path, "%s/file", dir);
    int fd = open(path, O_CREAT | O_WRONLY, 0644);
    CHECK(fd >= 0 && close(fd) == 0);
    snprintf(path, sizeof path, "%s/sub", dir);
    CHECK(mkdir(path, 0755) == 0);
    snprintf(path, sizeof path, "%s/link", dir);
    CHECK(symlink("file", path) == 0);
    compare_listings(dir);
    count = list(dir, 1, legacy, 4096);
    CHECK(count == 5);
    CHECK(find(legacy, count, "file")->type == DT_REG);
    CHECK(find(legacy, count, "sub")->type == DT_DIR);
    CHECK(find(legacy, count, "link")->type == DT_LNK);
    struct stat st;
    snprintf(path, sizeof path, "%s/file", dir);
    CHECK(stat(path, &st) == 0 && find(legacy, count, "file")->ino == st.st_ino);

    /* readdir(3) of / sees the mount points too. */
    DIR* d = opendir("/");
    CHECK(d != NULL);
    int seen = 0;
    struct dirent* de;
    while ((de = readdir(d)) != NULL)
        if (strcmp(de->d_name, "proc") == 0 || strcmp(de->d_name, "dev") == 0) ++seen;
    CHECK(seen == 2);
    closedir(d);

    CHECK(unlink(path) == 0);
    snprintf(path, sizeof path, "%s/link", dir);
    CHECK(unlink(path) == 0);
    snprintf(path, sizeof path, "%s/sub", dir);
    CHECK(rmdir(path) == 0 && rmdir(dir) == 0);
    printf("fs_getdents ok\n");
    return 0;
}
