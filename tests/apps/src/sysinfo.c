/* sysinfo, sysconf(_SC_PHYS_PAGES/_SC_AVPHYS_PAGES), getloadavg and
   /proc/meminfo, /proc/loadavg and /proc/uptime agree with each other. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/sysinfo.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "check.h"

static unsigned long meminfo_kb(const char* text, const char* label) {
    const char* at = strstr(text, label);
    CHECK(at != NULL);
    return strtoul(at + strlen(label), NULL, 10);
}

int main(void) {
    struct sysinfo info;
    CHECK(sysinfo(&info) == 0);
    CHECK(info.mem_unit >= 1);
    unsigned long long total = (unsigned long long)info.totalram * info.mem_unit;
    unsigned long long free_bytes = (unsigned long long)info.freeram * info.mem_unit;
    CHECK(total > 0 && free_bytes > 0 && free_bytes <= total);
    CHECK(info.procs >= 1);
    CHECK(info.uptime >= 0);
    CHECK(info.totalswap == 0 || info.freeswap <= info.totalswap);
    CHECK(syscall(SYS_sysinfo, (void*)8) == -1 && errno == EFAULT);

    long page = sysconf(_SC_PAGESIZE);
    CHECK(page == 4096);
    long pages = sysconf(_SC_PHYS_PAGES);
    CHECK(pages > 0 && (unsigned long long)pages * page == total / page * page);
    long available = sysconf(_SC_AVPHYS_PAGES);
    CHECK(available > 0 && available <= pages);

    static char text[8192];
    read_whole_file("/proc/meminfo", text, sizeof text);
    CHECK(meminfo_kb(text, "MemTotal:") == total >> 10);
    unsigned long mem_free = meminfo_kb(text, "MemFree:");
    CHECK(mem_free <= total >> 10);

    /* Mapping and touching 64 MiB shows in the free memory (natively
       other programs change it too, so a few tries are allowed). */
    int shown = 0;
    for (int attempt = 0; attempt < 5 && !shown; ++attempt) {
        struct sysinfo before, after;
        CHECK(sysinfo(&before) == 0);
        size_t size = 64 << 20;
        char* block = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        CHECK(block != MAP_FAILED);
        for (size_t i = 0; i < size; i += 4096) block[i] = 1;
        CHECK(sysinfo(&after) == 0);
        shown = (unsigned long long)before.freeram * before.mem_unit >
                (unsigned long long)after.freeram * after.mem_unit + (32 << 20);
        CHECK(munmap(block, size) == 0);
    }
    CHECK(shown);

    double loads[3];
    CHECK(getloadavg(loads, 3) == 3);
    CHECK(loads[0] >= 0 && loads[1] >= 0 && loads[2] >= 0);
    read_whole_file("/proc/loadavg", text, sizeof text);
    double one, five, fifteen;
    int running, threads, last;
    CHECK(sscanf(text, "%lf %lf %lf %d/%d %d", &one, &five, &fifteen, &running, &threads, &last) == 6);
    CHECK(running >= 1 && threads >= running && last >= 1);
    CHECK(one >= 0 && five >= 0 && fifteen >= 0);
    CHECK(sysinfo(&info) == 0);

    read_whole_file("/proc/uptime", text, sizeof text);
    double uptime = strtod(text, NULL);
    CHECK(uptime >= 0 && (double)info.uptime >= uptime - 1 && (double)info.uptime <= uptime + 2);
    puts("sysinfo ok");
    return 0;
}
