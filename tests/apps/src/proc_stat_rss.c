/* Reads /proc/self/stat (as redis does ten times a second for its RSS)
   while 64 MiB are mapped, 16 MiB of them touched: the RSS shows the
   touched pages. Run under strace by tests/apps/host_calls.sh, which
   checks how many host mincore calls finding the resident set takes. */
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"

int main(int argc, char** argv) {
    int reads = argc > 1 ? atoi(argv[1]) : 10;
    const size_t mapped = 64 << 20, touched = 16 << 20;
    char* memory = mmap(NULL, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(memory != MAP_FAILED);
    for (size_t at = 0; at < touched; at += 4096) memory[at] = 1;
    long rss_pages = 0;
    for (int i = 0; i < reads; ++i) {
        char text[1024];
        read_whole_file("/proc/self/stat", text, sizeof text);
        /* rss is field 24; the command (field 2) has no spaces here. */
        char* field = text;
        for (int n = 1; n < 24; ++n) {
            field = strchr(field, ' ');
            CHECK(field);
            ++field;
        }
        rss_pages = atol(field);
    }
    CHECK(rss_pages >= (long)(touched / 4096));
    printf("proc_stat_rss ok\n");
    return 0;
}
