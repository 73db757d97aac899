/* Writes a file of SIZE bytes in DIR (/tmp), then N times maps it
   MAP_SHARED, reads every byte of it (a sum of 64-bit words) and unmaps
   it; prints the mean milliseconds per round. The file is in the page
   cache already (natively the host's, inside cella the LibOS's), so a
   round is the mapping's page faults and the reading. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char** argv) {
    size_t size = argc > 1 ? (size_t)atol(argv[1]) : 64 << 20;
    long n = argc > 2 ? atol(argv[2]) : 10;
    char path[256];
    snprintf(path, sizeof path, "%s/bench_mmap_file", argc > 3 ? argv[3] : "/tmp");
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) {
        perror("open");
        return 1;
    }
    static char chunk[1 << 20];
    memset(chunk, 7, sizeof chunk);
    for (size_t done = 0; done < size; done += sizeof chunk)
        if (write(fd, chunk, sizeof chunk) != (ssize_t)sizeof chunk) {
            perror("write");
            return 1;
        }
    uint64_t sum = 0;
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (long i = 0; i < n; ++i) {
        const uint64_t* p = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
        if (p == MAP_FAILED) {
            perror("mmap");
            return 1;
        }
        for (size_t w = 0; w < size / 8; ++w) sum += p[w];
        munmap((void*)p, size);
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    unlink(path);
    if (sum != (uint64_t)n * (size / 8) * 0x0707070707070707ull) {
        fprintf(stderr, "mmap_file: read the wrong bytes\n");
        return 1;
    }
    double ns = (end.tv_sec - start.tv_sec) * 1e9 + (end.tv_nsec - start.tv_nsec);
    printf("%.2f\n", ns / n / 1e6);
    return 0;
}
