/* /proc/self/maps: Linux's line format, the program's own mappings (its
   code a mapping of its file at the offset its program header gives, as
   the kernel's ELF loader maps it), the stack holding a local variable,
   the heap, and (glibc) the main thread's stack as pthread_getattr_np
   finds it through maps. */
#define _GNU_SOURCE
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

static char maps[1 << 16];

static void read_maps(void) { read_whole_file("/proc/self/maps", maps, sizeof maps); }

/* The main program's executable PT_LOAD and load bias: the first object
   dl_iterate_phdr reports. */
static ElfW(Phdr) code_segment;
static uintptr_t load_bias;

static int find_code(struct dl_phdr_info* info, size_t size, void* data) {
    (void)size;
    (void)data;
    load_bias = info->dlpi_addr;
    for (int i = 0; i < info->dlpi_phnum; ++i)
        if (info->dlpi_phdr[i].p_type == PT_LOAD && (info->dlpi_phdr[i].p_flags & PF_X))
            code_segment = info->dlpi_phdr[i];
    return 1;
}

struct line {
    uintptr_t start, end;
    char perms[5];
    unsigned long offset, inode;
    unsigned major, minor;
    const char* name; /* "" when the mapping has none */
};

/* Parses one line as Linux prints it; the name starts at column 73. */
static void parse_line(char* text, struct line* out) {
    int consumed = 0;
    CHECK(sscanf(text, "%lx-%lx %4s %lx %x:%x %lu %n", &out->start, &out->end, out->perms, &out->offset, &out->major,
                 &out->minor, &out->inode, &consumed) == 7);
    CHECK(out->start < out->end && out->start % 4096 == 0 && out->end % 4096 == 0);
    CHECK(strlen(out->perms) == 4 && strchr("r-", out->perms[0]) && strchr("w-", out->perms[1]) &&
          strchr("x-", out->perms[2]) && strchr("ps", out->perms[3]));
    out->name = text + consumed;
    if (*out->name) CHECK(out->name - text == 73);
}

int main(int argc, char** argv) {
    (void)argc;
    int local = 42;
    void* heap = malloc(100);
    void* mapped = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(heap != NULL && mapped != MAP_FAILED);
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    CHECK(n > 0);
    exe[n] = '\0';
    /* A file mapping at an offset: the program's own second page. */
    int fd = open(exe, O_RDONLY);
    struct stat exe_stat;
    CHECK(fd >= 0 && fstat(fd, &exe_stat) == 0 && exe_stat.st_size > 2 * 4096);
    void* file_page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 4096);
    CHECK(file_page != MAP_FAILED && close(fd) == 0);

    CHECK(dl_iterate_phdr(find_code, NULL) == 1 && code_segment.p_memsz != 0);
    read_maps();
    int lines = 0, saw_stack = 0, saw_exe_text = 0, saw_exe_offset = 0, saw_mapped = 0, saw_file_page = 0;
    uintptr_t previous_end = 0;
    for (char* text = strtok(maps, "\n"); text; text = strtok(NULL, "\n")) {
        struct line line;
        parse_line(text, &line);
        CHECK(line.start >= previous_end); /* sorted, no overlap */
        previous_end = line.end;
        ++lines;
        uintptr_t here = (uintptr_t)&local;
        if (strcmp(line.name, "[stack]") == 0) {
            saw_stack = 1;
            CHECK(here >= line.start && here < line.end);
            CHECK(strcmp(line.perms, "rw-p") == 0);
        } else {
            CHECK(!(here >= line.start && here < line.end));
        }
        if (strcmp(line.name, exe) == 0) {
            CHECK(line.inode != 0);
            if (strcmp(line.perms, "r-xp") == 0) {
                saw_exe_text = 1;
                uintptr_t code = (uintptr_t)&main;
                CHECK(code >= line.start && code < line.end);
                /* The file offset of the line's first byte. */
                long long segment_start = (long long)(load_bias + code_segment.p_vaddr);
                CHECK((long long)line.offset == (long long)code_segment.p_offset + ((long long)line.start - segment_start));
            }
            if (line.offset != 0) saw_exe_offset = 1;
        }
        if (line.start == (uintptr_t)file_page) {
            saw_file_page = 1;
            CHECK(line.end == line.start + 4096 && strcmp(line.perms, "r--p") == 0 && line.offset == 4096);
            CHECK(strcmp(line.name, exe) == 0 && line.inode == (unsigned long)exe_stat.st_ino);
        }
        if ((uintptr_t)mapped >= line.start && (uintptr_t)mapped < line.end) {
            saw_mapped = 1;
            CHECK(strcmp(line.perms, "rw-p") == 0 && line.inode == 0 && line.major == 0);
        }
    }
    CHECK(lines >= 4 && saw_stack && saw_exe_text && saw_exe_offset && saw_mapped && saw_file_page);
    CHECK(strcmp(argv[0], exe) == 0);

#ifdef __GLIBC__
    /* glibc finds the main thread's stack in /proc/self/maps. */
    pthread_attr_t attr;
    CHECK(pthread_getattr_np(pthread_self(), &attr) == 0);
    void* stack = NULL;
    size_t size = 0;
    CHECK(pthread_attr_getstack(&attr, &stack, &size) == 0);
    CHECK(size > 0 && (uintptr_t)&local >= (uintptr_t)stack && (uintptr_t)&local < (uintptr_t)stack + size);
    CHECK(pthread_attr_destroy(&attr) == 0);
#endif

    munmap(file_page, 4096);
    munmap(mapped, 3 * 4096);
    free(heap);
    printf("procfs_maps ok\n");
    return 0;
}
