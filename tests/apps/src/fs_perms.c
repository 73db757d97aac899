/* Owners and permissions: chown that persists, the set-id bits that chown
   and writes clear, and what a process that is not root may do (a child
   drops to uid 1000, gid 1000, supplementary group 2000): open by owner,
   group and other bits, access with real or effective ids, creating and
   removing in folders without write or search permission, the sticky bit,
   chmod and chown by a non-owner, exec without an x bit. Run as root. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "run_self.h"

static char dir[64];

static const char* at(const char* name) {
    static char paths[8][128];
    static int next;
    char* path = paths[next++ % 8];
    snprintf(path, 128, "%s/%s", dir, name);
    return path;
}

static void make_file(const char* name, mode_t mode, uid_t uid, gid_t gid) {
    int fd = open(at(name), O_CREAT | O_WRONLY | O_TRUNC, 0600);
    CHECK(fd >= 0 && write(fd, "data", 4) == 4 && close(fd) == 0);
    CHECK(chown(at(name), uid, gid) == 0 && chmod(at(name), mode) == 0);
}

static mode_t mode_of(const char* path) {
    struct stat st;
    CHECK(lstat(path, &st) == 0);
    return st.st_mode & 07777;
}

static int opens(const char* name, int flags) {
    int fd = open(at(name), flags);
    if (fd >= 0) close(fd);
    return fd >= 0 ? 0 : errno;
}

static int child(void) {
    gid_t groups[] = {2000};
    CHECK(setgroups(1, groups) == 0);
    /* Real uid 1000, effective 0: access() checks the real ids, AT_EACCESS the effective ones. */
    CHECK(setresgid(1000, 1000, 1000) == 0 && setresuid(1000, 0, 0) == 0);
    CHECK(access(at("root-only"), R_OK) == -1 && errno == EACCES);
    CHECK(faccessat(AT_FDCWD, at("root-only"), R_OK, AT_EACCESS) == 0);
    CHECK(setresuid(1000, 1000, 1000) == 0);
    CHECK(geteuid() == 1000 && getegid() == 1000);

    /* open: the owner's bits, else the group's (supplementary too), else other's. */
    CHECK(opens("root-only", O_RDONLY) == EACCES);
    CHECK(opens("other-read", O_RDONLY) == 0);
    CHECK(opens("other-read", O_WRONLY) == EACCES);
    CHECK(opens("other-read", O_RDONLY | O_TRUNC) == EACCES);
    CHECK(opens("group2000-rw", O_RDWR) == 0);
    CHECK(opens("owner-r-group-rw", O_RDONLY) == 0);
    CHECK(opens("owner-r-group-rw", O_WRONLY) == EACCES); /* the owner bits decide, not the group's */
    CHECK(access(at("root-only"), F_OK) == 0);
    CHECK(access(at("other-read"), R_OK) == 0);
    CHECK(access(at("other-read"), W_OK) == -1 && errno == EACCES);
    CHECK(access(at("group2000-rw"), R_OK | W_OK) == 0);
    CHECK(access(at("group2000-rw"), X_OK) == -1 && errno == EACCES);

    /* The folder is root's and 0755: nothing can be made or removed there. */
    CHECK(open(at("new"), O_CREAT | O_WRONLY, 0644) == -1 && errno == EACCES);
    CHECK(mkdir(at("newdir"), 0755) == -1 && errno == EACCES);
    CHECK(mknod(at("newfifo"), S_IFIFO | 0644, 0) == -1 && errno == EACCES);
    CHECK(symlink("x", at("newlink")) == -1 && errno == EACCES);
    CHECK(link(at("mine"), at("newlink")) == -1 && errno == EACCES);
    CHECK(unlink(at("other-read")) == -1 && errno == EACCES);
    CHECK(rename(at("other-read"), at("renamed")) == -1 && errno == EACCES);
    CHECK(rmdir(at("sticky")) == -1 && errno == EACCES);
    CHECK(mkdir(at("sticky/mine"), 0700) == 0); /* the sticky folder is 01777 */
    CHECK(rmdir(at("sticky/mine")) == 0);

    /* No search permission: nothing inside can be reached. */
    CHECK(access(at("no-search/inner"), F_OK) == -1 && errno == EACCES);
    struct stat st;
    CHECK(stat(at("no-search/inner"), &st) == -1 && errno == EACCES);
    CHECK(chdir(at("no-search")) == -1 && errno == EACCES);
    /* Search but no read: names can be used, the folder cannot be listed. */
    CHECK(stat(at("no-read/inner"), &st) == 0);
    CHECK(open(at("no-read"), O_RDONLY | O_DIRECTORY) == -1 && errno == EACCES);

    /* The sticky folder: others' files stay, one's own can go. */
    CHECK(unlink(at("sticky/roots")) == -1 && errno == EPERM);
    CHECK(rename(at("sticky/roots"), at("sticky/taken")) == -1 && errno == EPERM);
    int fd = open(at("sticky/own"), O_CREAT | O_WRONLY, 0644);
    CHECK(fd >= 0 && close(fd) == 0);
    CHECK(stat(at("sticky/own"), &st) == 0 && st.st_uid == 1000 && st.st_gid == 1000);
    CHECK(rename(at("sticky/own"), at("sticky/own2")) == 0);
    CHECK(unlink(at("sticky/own2")) == 0);

    /* chmod and chown: only the owner, and only to one of its groups. */
    CHECK(chmod(at("other-read"), 0777) == -1 && errno == EPERM);
    CHECK(chown(at("other-read"), 1000, 1000) == -1 && errno == EPERM);
    CHECK(chmod(at("mine"), 0640) == 0 && mode_of(at("mine")) == 0640);
    CHECK(chown(at("mine"), -1, 2000) == 0);
    CHECK(stat(at("mine"), &st) == 0 && st.st_gid == 2000);
    CHECK(chown(at("mine"), -1, 3000) == -1 && errno == EPERM);
    CHECK(chown(at("mine"), 0, -1) == -1 && errno == EPERM);
    CHECK(chown(at("mine"), 1000, -1) == 0); /* its own uid: allowed */
    /* Set-group-id for a group the caller is not in is dropped by chmod. */
    CHECK(chown(at("mine"), -1, 1000) == 0 && chmod(at("mine"), 02755) == 0 && mode_of(at("mine")) == 02755);
    CHECK(chown(at("mine"), -1, 2000) == 0 && mode_of(at("mine")) == 0755); /* group-exec: chown clears it */

    /* A write by the non-root owner clears set-user-id and (group-exec) set-group-id. */
    CHECK(chmod(at("mine"), 06755) == 0 && mode_of(at("mine")) == 06755);
    fd = open(at("mine"), O_WRONLY);
    CHECK(fd >= 0 && write(fd, "x", 1) == 1 && close(fd) == 0);
    CHECK(mode_of(at("mine")) == 0755);
    /* Without group exec, set-group-id of one's own group stays. */
    CHECK(chmod(at("mine"), 06745) == 0);
    fd = open(at("mine"), O_WRONLY);
    CHECK(fd >= 0 && write(fd, "x", 1) == 1 && close(fd) == 0);
    CHECK(mode_of(at("mine")) == 02745);
    CHECK(truncate(at("mine"), 0) == 0 && chmod(at("mine"), 04755) == 0 && truncate(at("mine"), 1) == 0);
    CHECK(mode_of(at("mine")) == 0755);

    /* exec of a file without x permission for this caller. */
    char* args[] = {"x", NULL};
    execve(at("not-executable"), args, environ);
    CHECK(errno == EACCES);
    execve(at("root-exec-only"), args, environ);
    CHECK(errno == EACCES);
    return 0;
}

int main(int argc, char** argv) {
    snprintf(dir, sizeof dir, "/tmp/perms-%d", test_pid(argc, argv));
    if (argc > 1 && strcmp(argv[1], "child") == 0) return child();
    CHECK(geteuid() == 0); /* natively too: run as root */
    CHECK(mkdir(dir, 0755) == 0 && chmod(dir, 0755) == 0);

    /* chown persists; lchown and AT_SYMLINK_NOFOLLOW change the link itself. */
    make_file("owned", 0644, 0, 0);
    CHECK(chown(at("owned"), 1234, 5678) == 0);
    struct stat st;
    CHECK(stat(at("owned"), &st) == 0 && st.st_uid == 1234 && st.st_gid == 5678);
    CHECK(chown(at("owned"), -1, 42) == 0 && stat(at("owned"), &st) == 0 && st.st_uid == 1234 && st.st_gid == 42);
    CHECK(symlink("owned", at("owned-link")) == 0);
    CHECK(lchown(at("owned-link"), 77, 88) == 0);
    CHECK(lstat(at("owned-link"), &st) == 0 && st.st_uid == 77 && st.st_gid == 88);
    CHECK(stat(at("owned"), &st) == 0 && st.st_uid == 1234);
    CHECK(fchownat(AT_FDCWD, at("owned-link"), 99, 99, AT_SYMLINK_NOFOLLOW) == 0);
    CHECK(lstat(at("owned-link"), &st) == 0 && st.st_uid == 99);
    CHECK(fchownat(AT_FDCWD, at("owned-link"), 5, 6, 0) == 0);
    CHECK(stat(at("owned"), &st) == 0 && st.st_uid == 5 && st.st_gid == 6);
    int fd = open(at("owned"), O_RDONLY);
    CHECK(fd >= 0 && fchown(fd, 7, 8) == 0 && fstat(fd, &st) == 0 && st.st_uid == 7 && st.st_gid == 8);
    CHECK(close(fd) == 0);
    CHECK(fchownat(AT_FDCWD, at("owned"), 0, 0, 0x1) == -1 && errno == EINVAL);

    /* chown clears set-user-id, and set-group-id when group-exec is set, even for root. */
    CHECK(chmod(at("owned"), 06755) == 0 && chown(at("owned"), -1, -1) == 0 && mode_of(at("owned")) == 0755);
    CHECK(chmod(at("owned"), 06745) == 0 && chown(at("owned"), 0, 0) == 0 && mode_of(at("owned")) == 02745);
    CHECK(mkdir(at("setgid-dir"), 0755) == 0 && chmod(at("setgid-dir"), 06755) == 0);
    CHECK(chown(at("setgid-dir"), 0, 0) == 0 && mode_of(at("setgid-dir")) == 06755);
    /* A set-group-id folder gives its group to new files and its bit to new folders. */
    CHECK(chown(at("setgid-dir"), 0, 555) == 0);
    fd = open(at("setgid-dir/f"), O_CREAT | O_WRONLY, 0644);
    CHECK(fd >= 0 && fstat(fd, &st) == 0 && st.st_gid == 555 && close(fd) == 0);
    CHECK(mkdir(at("setgid-dir/d"), 0755) == 0 && stat(at("setgid-dir/d"), &st) == 0);
    CHECK(st.st_gid == 555 && (st.st_mode & S_ISGID));
    /* Root's writes keep set-id bits. */
    CHECK(chmod(at("owned"), 06755) == 0);
    fd = open(at("owned"), O_WRONLY);
    CHECK(fd >= 0 && write(fd, "x", 1) == 1 && close(fd) == 0 && mode_of(at("owned")) == 06755);

    /* Root passes permission bits, but exec needs some x bit. */
    make_file("root-only", 0600, 0, 0);
    CHECK(chmod(at("root-only"), 0) == 0 && opens("root-only", O_RDWR) == 0 && access(at("root-only"), R_OK | W_OK) == 0);
    CHECK(access(at("root-only"), X_OK) == -1 && errno == EACCES);
    CHECK(chmod(at("root-only"), 0600) == 0);
    make_file("not-executable", 0644, 1000, 1000);
    char* args[] = {"x", NULL};
    execve(at("not-executable"), args, environ);
    CHECK(errno == EACCES);
    make_file("root-exec-only", 0744, 0, 0);

    make_file("other-read", 0604, 0, 0);
    make_file("group2000-rw", 0660, 0, 2000);
    make_file("owner-r-group-rw", 0460, 1000, 1000);
    make_file("mine", 0644, 1000, 1000);
    CHECK(mkdir(at("sticky"), 0777) == 0 && chmod(at("sticky"), 01777) == 0);
    make_file("sticky/roots", 0666, 0, 0);
    CHECK(mkdir(at("no-search"), 0700) == 0 && chmod(at("no-search"), 0776) == 0);
    make_file("no-search/inner", 0644, 0, 0);
    CHECK(mkdir(at("no-read"), 0700) == 0 && chmod(at("no-read"), 0711) == 0);
    make_file("no-read/inner", 0644, 0, 0);

    run_self(argv[0], "child");

    const char* files[] = {"owned-link", "owned", "setgid-dir/f", "root-only", "not-executable", "root-exec-only",
                           "other-read", "group2000-rw", "owner-r-group-rw", "mine", "sticky/roots",
                           "no-search/inner", "no-read/inner"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; ++i) CHECK(unlink(at(files[i])) == 0);
    const char* dirs[] = {"setgid-dir/d", "setgid-dir", "sticky", "no-search", "no-read"};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; ++i) CHECK(rmdir(at(dirs[i])) == 0);
    CHECK(rmdir(dir) == 0);
    printf("fs_perms ok\n");
    return 0;
}
