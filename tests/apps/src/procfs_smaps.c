/* /proc/self/smaps: a block per maps line, starting with that line, with
   Size matching the range and Rss what is really resident; smaps_rollup
   sums the blocks. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"

static char maps[1 << 16], smaps[1 << 20], rollup[4096];

static unsigned long long kb_after(const char* text, const char* key) {
    const char* at = strstr(text, key);
    CHECK(at != NULL);
    at += strlen(key);
    while (*at == ' ') ++at;
    char* end;
    unsigned long long value = strtoull(at, &end, 10);
    CHECK(strncmp(end, " kB\n", 4) == 0);
    return value;
}

/* The smaps block of the mapping that starts at `start`. */
static const char* block_of(unsigned long start) {
    char head[32];
    snprintf(head, sizeof head, "%08lx-", start);
    const char* at = smaps;
    while (at && *at) {
        if (strncmp(at, head, strlen(head)) == 0) return at;
        at = strstr(at, "\nVmFlags:");
        if (at) at = strchr(at + 1, '\n');
        if (at) ++at;
    }
    CHECK(0);
    return NULL;
}

int main(void) {
    long page = sysconf(_SC_PAGESIZE);
    /* Eight pages touched and nine not, each run between PROT_NONE guard
       pages so that no neighbour merges with it. */
    char* base = mmap(NULL, 20 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(base != MAP_FAILED);
    CHECK(mprotect(base, page, PROT_NONE) == 0 && mprotect(base + 9 * page, page, PROT_NONE) == 0 &&
          mprotect(base + 19 * page, page, PROT_NONE) == 0);
    char* touched = base + page;
    for (int i = 0; i < 8; ++i) touched[i * page] = 1;
    char* locked = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(locked != MAP_FAILED && mlock(locked, 4 * page) == 0);
    for (int i = 0; i < 4; ++i) locked[i * page] = 1;

    /* Shared memory: eight pages, all touched. */
    char* shared = mmap(NULL, 8 * page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(shared != MAP_FAILED);
    for (int i = 0; i < 8; ++i) shared[i * page] = 1;

    read_whole_file("/proc/self/maps", maps, sizeof maps);
    read_whole_file("/proc/self/smaps", smaps, sizeof smaps);
    read_whole_file("/proc/self/smaps_rollup", rollup, sizeof rollup);

    /* One block per maps line, each starting with that line. */
    int lines = 0, blocks = 0;
    const char* line = maps;
    const char* block = smaps;
    unsigned long long rss_total = 0, pss_total = 0, anonymous_total = 0;
    while (*line) {
        const char* end = strchr(line, '\n');
        CHECK(end != NULL);
        ++lines;
        CHECK(strncmp(block, line, (size_t)(end - line + 1)) == 0);
        unsigned long start, stop;
        CHECK(sscanf(line, "%lx-%lx", &start, &stop) == 2);
        const char* flags = strstr(block, "\nVmFlags:");
        CHECK(flags != NULL);
        /* Everything in a block comes before its VmFlags line. */
        CHECK(kb_after(block, "\nSize:") * 1024 == stop - start);
        CHECK(strstr(block, "\nSize:") < flags && strstr(block, "\nLocked:") < flags);
        unsigned long long rss = kb_after(block, "\nRss:");
        CHECK(rss * 1024 <= stop - start);
        CHECK(kb_after(block, "\nKernelPageSize:") == (unsigned long long)page / 1024);
        rss_total += rss;
        pss_total += kb_after(block, "\nPss:");
        anonymous_total += kb_after(block, "\nAnonymous:");
        ++blocks;
        line = end + 1;
        block = strchr(flags + 1, '\n');
        CHECK(block != NULL);
        ++block;
    }
    CHECK(*block == '\0' && blocks == lines && lines > 5);

    /* The touched half of the first mapping is resident, the rest not. */
    const char* mine = block_of((unsigned long)touched);
    CHECK(kb_after(mine, "\nSize:") == 8 * (unsigned long long)page / 1024);
    CHECK(kb_after(mine, "\nRss:") == 8 * (unsigned long long)page / 1024);
    CHECK(kb_after(mine, "\nAnonymous:") == 8 * (unsigned long long)page / 1024);
    CHECK(kb_after(mine, "\nPrivate_Dirty:") == 8 * (unsigned long long)page / 1024);
    CHECK(strstr(mine, "\nVmFlags: rd wr mr mw me ac \n") == strstr(mine, "\nVmFlags:"));
    const char* guard = block_of((unsigned long)(touched + 8 * page));
    CHECK(kb_after(guard, "\nSize:") == (unsigned long long)page / 1024);
    const char* rest = block_of((unsigned long)(base + 10 * page));
    CHECK(kb_after(rest, "\nSize:") == 9 * (unsigned long long)page / 1024);
    CHECK(kb_after(rest, "\nRss:") == 0);
    /* Locked pages count as locked. */
    const char* locked_block = block_of((unsigned long)locked);
    CHECK(kb_after(locked_block, "\nRss:") == 4 * (unsigned long long)page / 1024);
    CHECK(kb_after(locked_block, "\nLocked:") == 4 * (unsigned long long)page / 1024);
    CHECK(strstr(locked_block, " lo ") != NULL);

    /* Shared memory counts in status's RssShmem and in statm's shared pages. */
    const char* shared_block = block_of((unsigned long)shared);
    CHECK(kb_after(shared_block, "\nRss:") == 8 * (unsigned long long)page / 1024);
    CHECK(strstr(shared_block, "\nVmFlags: rd wr sh mr mw me ms ") != NULL);
    char status[8192], statm[256];
    read_whole_file("/proc/self/status", status, sizeof status);
    read_whole_file("/proc/self/statm", statm, sizeof statm);
    CHECK(kb_after(status, "\nRssShmem:") >= 8 * (unsigned long long)page / 1024);
    unsigned long long rss_kb = kb_after(status, "\nVmRSS:");
    unsigned long long parts = kb_after(status, "\nRssAnon:") + kb_after(status, "\nRssFile:") + kb_after(status, "\nRssShmem:");
    CHECK(parts + 64 >= rss_kb && parts <= rss_kb + 64);
    unsigned long long statm_shared;
    CHECK(sscanf(statm, "%*u %*u %llu", &statm_shared) == 1 && statm_shared >= 8);

    /* The rollup: one line spanning the mappings, then the sums. */
    unsigned long first, last;
    CHECK(sscanf(maps, "%lx-", &first) == 1);
    /* The last mapping of the process's own (Linux's [vsyscall] page is no mapping of it). */
    const char* last_line = maps + strlen(maps) - 1;
    while (last_line > maps && last_line[-1] != '\n') --last_line;
    if (strstr(last_line, "[vsyscall]")) {
        --last_line;
        while (last_line > maps && last_line[-1] != '\n') --last_line;
    }
    CHECK(sscanf(last_line, "%*x-%lx", &last) == 1);
    char head[128];
    snprintf(head, sizeof head, "%08lx-%08lx ---p 00000000 00:00 0", first, last);
    CHECK(strncmp(rollup, head, strlen(head)) == 0);
    const char* name = strchr(rollup, '\n');
    CHECK(name && name - rollup == 73 + 8 && strncmp(name - 8, "[rollup]", 8) == 0);
    /* Sums, within what a few reads and page faults can change between the files. */
    unsigned long long rollup_rss = kb_after(rollup, "\nRss:");
    CHECK(rollup_rss + 64 >= rss_total && rollup_rss <= rss_total + 64);
    CHECK(kb_after(rollup, "\nPss:") <= rollup_rss);
    CHECK(kb_after(rollup, "\nAnonymous:") + 64 >= anonymous_total);
    CHECK(strstr(rollup, "\nPss_Anon:") && strstr(rollup, "\nPss_File:") && strstr(rollup, "\nLocked:"));
    CHECK(strstr(rollup, "\nSize:") == NULL && strstr(rollup, "VmFlags") == NULL);
    (void)pss_total;

    printf("procfs_smaps ok\n");
    return 0;
}
