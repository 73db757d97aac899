/* Capabilities and privileged calls. As root: capget shows every
   capability, sethostname/setdomainname change what uname and
   /proc/sys/kernel show, personality and adjtimex read back, chroot roots
   later path lookups. After setuid to another user: no capabilities, and
   every host-wide call (clock, mount, swap, reboot, I/O ports, ...)
   answers EPERM. Natively the host name is changed only inside a new UTS
   namespace. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timex.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

/* <linux/capability.h>'s, which musl does not have. */
struct __user_cap_header_struct {
    unsigned version;
    int pid;
};
struct __user_cap_data_struct {
    unsigned effective, permitted, inheritable;
};
#define _LINUX_CAPABILITY_VERSION_3 0x20080522
enum { CAP_SETUID = 7, CAP_NET_RAW = 13, CAP_SYS_CHROOT = 18, CAP_SYS_ADMIN = 21, CAP_SYS_TIME = 25 };
#define iopl(level) syscall(SYS_iopl, level)
#define ioperm(from, count, on) syscall(SYS_ioperm, from, count, on)

static void capabilities(struct __user_cap_data_struct data[2]) {
    struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
    CHECK(syscall(SYS_capget, &header, data) == 0);
}

static void as_root(void) {
    struct __user_cap_data_struct data[2];
    capabilities(data);
    /* Root holds its capabilities (in cella all of them, up to
       CAP_CHECKPOINT_RESTORE; natively what the host granted). */
    CHECK(data[0].effective == data[0].permitted && data[1].effective == data[1].permitted);
    unsigned needed = 1u << CAP_SETUID | 1u << CAP_SYS_ADMIN | 1u << CAP_SYS_TIME | 1u << CAP_SYS_CHROOT;
    CHECK((data[0].effective & needed) == needed && (data[1].effective & 0x1ff) == 0x1ff);
    CHECK(prctl(PR_CAPBSET_READ, CAP_SYS_ADMIN) == 1);
    CHECK(prctl(PR_CAPBSET_READ, 200) == -1 && errno == EINVAL);
    /* An unknown version is answered with the preferred one. */
    struct __user_cap_header_struct header = {0x12345678, 0};
    CHECK(syscall(SYS_capget, &header, data) == -1 && errno == EINVAL);
    CHECK(header.version == _LINUX_CAPABILITY_VERSION_3);
    /* capset: dropping from the effective set, and back (still permitted). */
    header.version = _LINUX_CAPABILITY_VERSION_3;
    capabilities(data);
    data[0].effective &= ~(1u << CAP_SYS_TIME);
    CHECK(syscall(SYS_capset, &header, data) == 0);
    capabilities(data);
    CHECK(!(data[0].effective & (1u << CAP_SYS_TIME)) && (data[0].permitted & (1u << CAP_SYS_TIME)));
    data[0].effective |= 1u << CAP_SYS_TIME;
    CHECK(syscall(SYS_capset, &header, data) == 0);
    /* Ambient capabilities need the capability inheritable as well. */
    CHECK(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_RAW, 0, 0) == -1 && errno == EPERM);
    data[0].inheritable = 1u << CAP_NET_RAW;
    CHECK(syscall(SYS_capset, &header, data) == 0);
    CHECK(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_RAW, 0, 0) == 0);
    CHECK(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_NET_RAW, 0, 0) == 1);
    CHECK(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) == 0);
    CHECK(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_NET_RAW, 0, 0) == 0);

    /* The host name, in a UTS namespace of its own when run natively. */
    (void)unshare(CLONE_NEWUTS);
    CHECK(sethostname("cella-test-host", 15) == 0);
    CHECK(setdomainname("example.test", 12) == 0);
    struct utsname name;
    CHECK(uname(&name) == 0);
    CHECK(strcmp(name.nodename, "cella-test-host") == 0 && strcmp(name.domainname, "example.test") == 0);
    char text[128];
    read_whole_file("/proc/sys/kernel/hostname", text, sizeof text);
    CHECK(strcmp(text, "cella-test-host\n") == 0);
    char host[64];
    CHECK(gethostname(host, sizeof host) == 0 && strcmp(host, "cella-test-host") == 0);
    char too_long[80];
    memset(too_long, 'a', sizeof too_long);
    CHECK(sethostname(too_long, 65) == -1 && errno == EINVAL);

    CHECK(personality(0xffffffff) == PER_LINUX);
    CHECK(personality(PER_LINUX) == PER_LINUX);
    struct timex tx = {0};
    int state = adjtimex(&tx);
    CHECK(state >= TIME_OK && state <= TIME_ERROR);
    CHECK(tx.tick > 0);
    CHECK(clock_adjtime(CLOCK_MONOTONIC, &tx) == -1 && errno == EOPNOTSUPP);
    CHECK(clock_adjtime(1000, &tx) == -1 && errno == EINVAL);
    CHECK(syscall(SYS_syslog, 10, NULL, 0) > 0);  /* SYSLOG_ACTION_SIZE_BUFFER */
    /* Kernels built without I/O port support answer ENOSYS. */
    if (!(iopl(0) == -1 && errno == ENOSYS)) CHECK(iopl(0) == 0 && iopl(4) == -1 && errno == EINVAL);
    CHECK(unshare(0) == 0);
    CHECK(unshare(0x1) == -1 && errno == EINVAL);
}

/* With a saved uid of 0 the permitted set stays (Linux's
   cap_emulate_setxuid), so the cleanup can become root again. */
static void as_other_user(void) {
    CHECK(setresuid(65534, 65534, 0) == 0);
    CHECK(getuid() == 65534 && geteuid() == 65534);
    struct __user_cap_data_struct data[2];
    capabilities(data);
    CHECK(data[0].effective == 0 && data[1].effective == 0 && (data[0].permitted & (1u << CAP_SETUID)));
    CHECK(setuid(1234) == -1 && errno == EPERM);
    CHECK(prctl(PR_CAPBSET_DROP, CAP_SYS_ADMIN) == -1 && errno == EPERM);
    struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
    data[0].effective = 1u << CAP_SYS_ADMIN;
    data[0].permitted = 0;
    CHECK(syscall(SYS_capset, &header, data) == -1 && errno == EPERM);

    CHECK(sethostname("x", 1) == -1 && errno == EPERM);
    CHECK(setdomainname("x", 1) == -1 && errno == EPERM);
    struct timeval tv = {1000000000, 0};
    CHECK(settimeofday(&tv, NULL) == -1 && errno == EPERM);
    struct timespec ts = {1000000000, 0};
    CHECK(clock_settime(CLOCK_REALTIME, &ts) == -1 && errno == EPERM);
    CHECK(clock_settime(CLOCK_MONOTONIC, &ts) == -1 && errno == EINVAL);
    struct timex tx = {0};
    tx.modes = ADJ_OFFSET;
    CHECK(adjtimex(&tx) == -1 && errno == EPERM);
    tx.modes = 0;
    CHECK(adjtimex(&tx) >= 0);
    CHECK(mount("none", "/tmp", "tmpfs", 0, NULL) == -1 && errno == EPERM);
    CHECK(umount2("/tmp", 0) == -1 && errno == EPERM);
    CHECK(syscall(SYS_swapon, "/tmp/swap", 0) == -1 && errno == EPERM);
    CHECK(syscall(SYS_swapoff, "/tmp/swap") == -1 && errno == EPERM);
    CHECK(acct("/tmp/acct") == -1 && errno == EPERM);
    CHECK(reboot(RB_AUTOBOOT) == -1 && errno == EPERM);
    CHECK(syscall(SYS_pivot_root, "/tmp", "/tmp") == -1 && errno == EPERM);
    CHECK(vhangup() == -1 && errno == EPERM);
    /* The new mount API: EPERM too, after the argument checks; open_tree
       without OPEN_TREE_CLONE needs no privilege and gives an O_PATH file. */
    CHECK(syscall(SYS_fsopen, "tmpfs", 0) == -1 && errno == EPERM);
    CHECK(syscall(SYS_fspick, AT_FDCWD, "/tmp", 0) == -1 && errno == EPERM);
    CHECK(syscall(SYS_fsmount, 0, 0, 0) == -1 && errno == EPERM);
    CHECK(syscall(SYS_move_mount, AT_FDCWD, "/tmp", AT_FDCWD, "/mnt", 0) == -1 && errno == EPERM);
    CHECK(syscall(SYS_open_tree, AT_FDCWD, "/tmp", 1 /* OPEN_TREE_CLONE */) == -1 && errno == EPERM);
    CHECK(syscall(SYS_open_tree, AT_FDCWD, "/tmp", 0x8000 /* AT_RECURSIVE alone */) == -1 && errno == EINVAL);
    char attr[32] = {0};
    CHECK(syscall(SYS_mount_setattr, AT_FDCWD, "/tmp", 0, attr, 0) == -1 && errno == EINVAL);
    CHECK(syscall(SYS_mount_setattr, AT_FDCWD, "/tmp", 0, attr, sizeof attr) == -1 && errno == EPERM);
    CHECK(syscall(SYS_fsconfig, 999, 6 /* FSCONFIG_CMD_CREATE */, NULL, NULL, 0) == -1 && errno == EBADF);
    int tree = (int)syscall(SYS_open_tree, AT_FDCWD, "/tmp", O_CLOEXEC);
    CHECK(tree >= 0);
    CHECK(fcntl(tree, F_GETFL) == O_PATH);
    CHECK(fcntl(tree, F_GETFD) == FD_CLOEXEC);
    struct stat tree_stat, tmp_stat;
    CHECK(fstat(tree, &tree_stat) == 0 && stat("/tmp", &tmp_stat) == 0 && tree_stat.st_ino == tmp_stat.st_ino);
    CHECK(syscall(SYS_fsconfig, tree, 6, NULL, NULL, 0) == -1 && errno == EBADF); /* O_PATH */
    int folder = open("/tmp", O_RDONLY | O_DIRECTORY);
    CHECK(folder >= 0);
    CHECK(syscall(SYS_fsconfig, folder, 6, NULL, NULL, 0) == -1 && errno == EINVAL);
    close(folder);
    int again = (int)syscall(SYS_open_tree, tree, "", 0x1000 /* AT_EMPTY_PATH */);
    CHECK(again >= 0 && again != tree);
    CHECK(fstat(again, &tree_stat) == 0 && tree_stat.st_ino == tmp_stat.st_ino);
    close(again);
    close(tree);
    if (!(iopl(0) == -1 && errno == ENOSYS)) {
        CHECK(iopl(3) == -1 && errno == EPERM);
        CHECK(ioperm(0x80, 1, 1) == -1 && errno == EPERM);
    }
    CHECK(unshare(CLONE_NEWNS) == -1 && errno == EPERM);
    CHECK(chroot("/tmp") == -1 && errno == EPERM);
    CHECK(chroot("/no/such/dir") == -1 && errno == ENOENT);
}

int main(void) {
    as_root();
    char restrict_text[16] = "";
    read_whole_file("/proc/sys/kernel/dmesg_restrict", restrict_text, sizeof restrict_text);

    /* chroot: later lookups start at the new root and ".." stays there. */
    char dir[64], inside[96];
    snprintf(dir, sizeof dir, "/tmp/chroot-test-%d", (int)getpid());
    CHECK(mkdir(dir, 0755) == 0);
    snprintf(inside, sizeof inside, "%s/tmp", dir);
    CHECK(mkdir(inside, 01777) == 0);
    snprintf(inside, sizeof inside, "%s/marker", dir);
    int fd = open(inside, O_CREAT | O_WRONLY, 0644);
    CHECK(fd >= 0 && close(fd) == 0);
    int outside = open("/tmp", O_RDONLY | O_DIRECTORY);
    CHECK(outside >= 0);
    CHECK(chroot("/no/such/dir") == -1 && errno == ENOENT);
    CHECK(chroot(dir) == 0);
    CHECK(chdir("/") == 0);
    char cwd[128];
    CHECK(getcwd(cwd, sizeof cwd) && strcmp(cwd, "/") == 0);
    struct stat st;
    CHECK(stat("/marker", &st) == 0 && stat("/../../marker", &st) == 0);
    CHECK(stat("/proc/self", &st) == -1 && errno == ENOENT);

    as_other_user();
    if (strcmp(restrict_text, "1\n") == 0) {
        char log[16];
        CHECK(syscall(SYS_syslog, 3, log, sizeof log) == -1 && errno == EPERM);
    }

    CHECK(seteuid(0) == 0);
    struct __user_cap_data_struct back[2];
    capabilities(back);
    CHECK(back[0].effective == back[0].permitted);
    /* Clean up through the directory opened before the chroot. */
    char name[64];
    snprintf(name, sizeof name, "chroot-test-%d/marker", (int)getpid());
    CHECK(unlinkat(outside, name, 0) == 0);
    snprintf(name, sizeof name, "chroot-test-%d/tmp", (int)getpid());
    CHECK(unlinkat(outside, name, AT_REMOVEDIR) == 0);
    snprintf(name, sizeof name, "chroot-test-%d", (int)getpid());
    CHECK(unlinkat(outside, name, AT_REMOVEDIR) == 0);

    /* Leaving root for good clears every set. */
    CHECK(setuid(65534) == 0);
    struct __user_cap_data_struct data[2];
    capabilities(data);
    CHECK(data[0].permitted == 0 && data[1].permitted == 0 && data[0].effective == 0);
    CHECK(setuid(0) == -1 && errno == EPERM && seteuid(0) == -1 && errno == EPERM);
    puts("privileged ok");
    return 0;
}
