/* The system-wide part of /proc: cpuinfo, meminfo, stat, uptime, mounts,
   sys/, the listing of /proc itself, and ENOENT for a pid nobody has. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "check.h"

static char text[1 << 16];

static size_t read_text(const char* path) {
    int fd = open(path, O_RDONLY);
    CHECK(fd >= 0);
    size_t length = 0;
    ssize_t n;
    while (length + 1 < sizeof text && (n = read(fd, text + length, sizeof text - 1 - length)) > 0)
        length += (size_t)n;
    CHECK(n >= 0 && length + 1 < sizeof text);
    text[length] = '\0';
    CHECK(close(fd) == 0);
    return length;
}

static int count_lines_starting(const char* prefix) {
    int count = 0;
    size_t length = strlen(prefix);
    for (const char* line = text; *line;) {
        if (strncmp(line, prefix, length) == 0) ++count;
        const char* next = strchr(line, '\n');
        if (!next) break;
        line = next + 1;
    }
    return count;
}

int main(void) {
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    CHECK(cpus >= 1);

    read_text("/proc/cpuinfo");
    CHECK(count_lines_starting("processor\t: ") == cpus);
    const char* fields[] = {"vendor_id\t: ", "cpu family\t: ", "model\t\t: ", "model name\t: ", "stepping\t: ",
                            "cpu MHz\t\t: ", "cache size\t: ", "physical id\t: ", "siblings\t: ", "core id\t\t: ",
                            "cpu cores\t: ", "flags\t\t:", "bogomips\t: ", "address sizes\t: "};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; ++i) CHECK(count_lines_starting(fields[i]) == cpus);

    read_text("/proc/meminfo");
    unsigned long total = 0, free_kb = 0, available = 0;
    CHECK(sscanf(text, "MemTotal: %lu kB\nMemFree: %lu kB\nMemAvailable: %lu kB", &total, &free_kb, &available) == 3);
    CHECK(total > 0 && free_kb <= total && available <= total);
    CHECK(strstr(text, "\nSwapTotal:") != NULL);

    read_text("/proc/stat");
    CHECK(strncmp(text, "cpu  ", 5) == 0);
    CHECK(count_lines_starting("cpu") == cpus + 1);
    CHECK(strstr(text, "\nbtime ") != NULL);

    read_text("/proc/uptime");
    double up = 0, idle = 0;
    CHECK(sscanf(text, "%lf %lf", &up, &idle) == 2 && up > 0);

    read_text("/proc/loadavg");
    double one, five, fifteen;
    int running, threads, last;
    CHECK(sscanf(text, "%lf %lf %lf %d/%d %d", &one, &five, &fifteen, &running, &threads, &last) == 6);
    CHECK(threads >= 1 && last >= getpid());

    struct utsname name;
    CHECK(uname(&name) == 0);
    read_text("/proc/sys/kernel/osrelease");
    CHECK(strncmp(text, name.release, strlen(name.release)) == 0 && text[strlen(name.release)] == '\n');
    read_text("/proc/sys/kernel/hostname");
    CHECK(strncmp(text, name.nodename, strlen(name.nodename)) == 0);
    read_text("/proc/sys/kernel/ostype");
    CHECK(strcmp(text, "Linux\n") == 0);
    read_text("/proc/sys/kernel/pid_max");
    CHECK(atol(text) >= 32768);
    read_text("/proc/sys/vm/overcommit_memory");
    CHECK(strcmp(text, "0\n") == 0);
    read_text("/proc/version");
    CHECK(strncmp(text, "Linux version ", 14) == 0);

    read_text("/proc/mounts");
    CHECK(strstr(text, " / ") != NULL);
    CHECK(strstr(text, "proc /proc proc rw") != NULL);
    CHECK(strstr(text, " /dev ") != NULL && strstr(text, " /dev/shm tmpfs ") != NULL);
    read_text("/proc/self/mounts");
    CHECK(strstr(text, "proc /proc proc rw") != NULL);
    read_text("/proc/filesystems");
    CHECK(strstr(text, "nodev\tproc\n") != NULL);

    /* /proc lists its fixed entries and a directory for this process. */
    char self[32];
    snprintf(self, sizeof self, "%d", (int)getpid());
    DIR* dir = opendir("/proc");
    CHECK(dir != NULL);
    int saw_self_dir = 0, saw_self_link = 0, saw_cpuinfo = 0;
    struct dirent* entry;
    while ((entry = readdir(dir)) != NULL) {
        if (strcmp(entry->d_name, self) == 0) {
            saw_self_dir = 1;
            CHECK(entry->d_type == DT_DIR);
        }
        if (strcmp(entry->d_name, "self") == 0) saw_self_link = entry->d_type == DT_LNK;
        if (strcmp(entry->d_name, "cpuinfo") == 0) saw_cpuinfo = entry->d_type == DT_REG;
    }
    CHECK(saw_self_dir && saw_self_link && saw_cpuinfo);
    CHECK(closedir(dir) == 0);

    struct stat st;
    CHECK(stat("/proc", &st) == 0 && S_ISDIR(st.st_mode));
    char path[64];
    snprintf(path, sizeof path, "/proc/%d", (int)getpid());
    CHECK(stat(path, &st) == 0 && S_ISDIR(st.st_mode));
    struct stat through_self;
    CHECK(stat("/proc/self", &through_self) == 0 && through_self.st_ino == st.st_ino);

    CHECK(stat("/proc/99999", &st) == -1 && errno == ENOENT);
    CHECK(open("/proc/99999/status", O_RDONLY) == -1 && errno == ENOENT);
    CHECK(stat("/proc/0", &st) == -1 && errno == ENOENT);
    CHECK(stat("/proc/01", &st) == -1 && errno == ENOENT);
    CHECK(open("/proc/cpuinfo", O_WRONLY) == -1 && errno == EACCES);
    CHECK(open("/proc/newfile", O_WRONLY | O_CREAT, 0644) == -1 && errno == EACCES);

    printf("procfs_system ok\n");
    return 0;
}
