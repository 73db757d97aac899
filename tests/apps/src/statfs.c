/* statfs/fstatfs/statvfs/ustat report each file system's own figures:
   /proc is procfs, /dev/shm a tmpfs whose free blocks shrink as files
   grow, a pipe is pipefs; a tmpfs with a size limit says ENOSPC when full.
   Argument: a directory on a small tmpfs (cella.json gives one a
   "size=1MB" option); without it, one is mounted natively when allowed. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "check.h"

#define TMPFS_MAGIC 0x01021994
#define PROC_SUPER_MAGIC 0x9fa0
#define PIPEFS_MAGIC 0x50495045
#define ST_VALID 0x20 /* statfs f_flags: the flags are filled in */

static void fill_until_full(const char* dir) {
    struct statfs before;
    CHECK(statfs(dir, &before) == 0);
    CHECK(before.f_type == TMPFS_MAGIC);
    CHECK(before.f_blocks == (1 << 20) / before.f_bsize);
    char path[256];
    snprintf(path, sizeof path, "%s/fill", dir);
    int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
    CHECK(fd >= 0);
    static char block[65536];
    memset(block, 'x', sizeof block);
    long total = 0;
    ssize_t n;
    while ((n = write(fd, block, sizeof block)) > 0) total += n;
    CHECK(n == -1 && errno == ENOSPC);
    CHECK(total > 0 && total <= (1 << 20));
    struct statfs full;
    CHECK(fstatfs(fd, &full) == 0);
    CHECK(full.f_bfree == 0 || full.f_bfree < before.f_bfree / 8);
    /* Space comes back when the file shrinks. */
    CHECK(ftruncate(fd, 0) == 0);
    CHECK(pwrite(fd, block, sizeof block, 0) == (ssize_t)sizeof block);
    close(fd);
    CHECK(unlink(path) == 0);
    struct statfs after;
    CHECK(statfs(dir, &after) == 0);
    CHECK(after.f_bfree == before.f_bfree);
}

int main(int argc, char** argv) {
    struct statfs fs;
    CHECK(statfs("/proc", &fs) == 0);
    CHECK(fs.f_type == PROC_SUPER_MAGIC);
    CHECK(fs.f_namelen == 255 && fs.f_bsize == 4096 && fs.f_frsize == 4096);
    CHECK(fs.f_flags & ST_VALID);

    CHECK(statfs("/", &fs) == 0);
    CHECK(fs.f_blocks > 0 && fs.f_namelen == 255 && (fs.f_flags & ST_VALID));
    /* The image is read-only: its flags say so, and writing to it is EROFS. */
    if (fs.f_flags & ST_RDONLY) CHECK(mkdir("/statfs-test", 0755) == -1 && errno == EROFS);

    /* /dev/shm: a tmpfs; a 1 MiB file takes 256 blocks. */
    struct statfs shm;
    CHECK(statfs("/dev/shm", &shm) == 0);
    CHECK(shm.f_type == TMPFS_MAGIC && shm.f_blocks > 0 && shm.f_bfree <= shm.f_blocks);
    CHECK(shm.f_files > 0 && shm.f_ffree < shm.f_files);
    int fd = open("/dev/shm/statfs-test", O_CREAT | O_TRUNC | O_RDWR, 0600);
    CHECK(fd >= 0);
    static char data[1 << 20];
    CHECK(write(fd, data, sizeof data) == (ssize_t)sizeof data);
    struct statfs grown;
    CHECK(fstatfs(fd, &grown) == 0);
    CHECK(grown.f_type == TMPFS_MAGIC);
    CHECK(shm.f_bfree - grown.f_bfree >= 256 && shm.f_bfree - grown.f_bfree < 256 + 64);
    CHECK(grown.f_ffree < shm.f_ffree);
    CHECK(memcmp(&grown.f_fsid, &shm.f_fsid, sizeof shm.f_fsid) == 0);
    struct statvfs vfs;
    CHECK(fstatvfs(fd, &vfs) == 0);
    CHECK(vfs.f_bsize == 4096 && vfs.f_blocks == (fsblkcnt_t)grown.f_blocks && vfs.f_namemax == 255);
    CHECK(!(vfs.f_flag & ST_RDONLY));
    close(fd);
    CHECK(unlink("/dev/shm/statfs-test") == 0);

    /* ustat: the device of a mounted file system, EINVAL otherwise. */
    struct stat st;
    CHECK(stat("/dev/shm", &st) == 0);
    char ustat_buffer[64];
    CHECK(syscall(SYS_ustat, (unsigned)st.st_dev, ustat_buffer) == 0);
    CHECK(syscall(SYS_ustat, 0xfff00u, ustat_buffer) == -1 && errno == EINVAL);

    /* A pipe belongs to pipefs. */
    int pipe_fds[2];
    CHECK(pipe(pipe_fds) == 0);
    CHECK(fstatfs(pipe_fds[0], &fs) == 0 && fs.f_type == PIPEFS_MAGIC);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    CHECK(statfs("/no/such/path", &fs) == -1 && errno == ENOENT);
    CHECK(fstatfs(-1, &fs) == -1 && errno == EBADF);
    CHECK(syscall(SYS_statfs, "/proc", (void*)8) == -1 && errno == EFAULT);

    if (argc > 1) {
        fill_until_full(argv[1]);
    } else {
        char dir[] = "/tmp/statfs-small-XXXXXX";
        CHECK(mkdtemp(dir) != NULL);
        if (mount("tmpfs", dir, "tmpfs", 0, "size=1m") == 0) {
            fill_until_full(dir);
            CHECK(umount(dir) == 0);
        }
        CHECK(rmdir(dir) == 0);
    }
    puts("statfs ok");
    return 0;
}
