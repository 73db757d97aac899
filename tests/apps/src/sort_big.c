/* GNU sort on a generated file of several megabytes gives the right
   output: it sizes its buffer from sysconf(_SC_PHYS_PAGES) and
   _SC_AVPHYS_PAGES (sysinfo), so wrong answers there make it spill to
   thousands of temporary files. Argument: the sort program. */
#define _GNU_SOURCE
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

extern char** environ;

#define LINES 400000

static unsigned long long hash_line(const char* line, size_t length) {
    unsigned long long h = 1469598103934665603ull;
    for (size_t i = 0; i < length; ++i) h = (h ^ (unsigned char)line[i]) * 1099511628211ull;
    return h;
}

int main(int argc, char** argv) {
    const char* sort = argc > 1 ? argv[1] : "/usr/bin/sort";
    char input[64], output[64];
    snprintf(input, sizeof input, "/tmp/sort-in-%d", (int)getpid());
    snprintf(output, sizeof output, "/tmp/sort-out-%d", (int)getpid());
    FILE* file = fopen(input, "w");
    CHECK(file != NULL);
    unsigned long long seed = 12345, sum_in = 0;
    long bytes = 0;
    for (int i = 0; i < LINES; ++i) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        char line[64];
        int length = snprintf(line, sizeof line, "%016llx line %d", seed, i);
        sum_in += hash_line(line, (size_t)length);
        bytes += fprintf(file, "%s\n", line);
    }
    CHECK(fclose(file) == 0);
    CHECK(bytes > 8 << 20);

    char* args[] = {(char*)sort, "-o", output, input, NULL};
    pid_t pid;
    CHECK(posix_spawn(&pid, sort, NULL, NULL, args, environ) == 0);
    int status;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);

    file = fopen(output, "r");
    CHECK(file != NULL);
    char previous[64] = "", line[64];
    unsigned long long sum_out = 0;
    int count = 0;
    while (fgets(line, sizeof line, file)) {
        size_t length = strlen(line);
        CHECK(length > 0 && line[length - 1] == '\n');
        line[--length] = '\0';
        CHECK(strcmp(previous, line) <= 0);
        sum_out += hash_line(line, length);
        memcpy(previous, line, length + 1);
        ++count;
    }
    CHECK(fclose(file) == 0);
    CHECK(count == LINES && sum_out == sum_in);
    CHECK(unlink(input) == 0 && unlink(output) == 0);
    puts("sort_big ok");
    return 0;
}
