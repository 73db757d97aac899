/* Maps SIZE bytes of anonymous memory, touches one page, unmaps it, N
   times; prints the mean nanoseconds per round. The one page touched is
   what a first-use commit (the EDMM idea) makes cheap for any size. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

int main(int argc, char** argv) {
    size_t size = argc > 1 ? (size_t)atol(argv[1]) : 4096;
    long n = argc > 2 ? atol(argv[2]) : 20000;
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (long i = 0; i < n; ++i) {
        volatile char* p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
            perror("mmap");
            return 1;
        }
        p[0] = 1;
        munmap((void*)p, size);
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    double ns = (end.tv_sec - start.tv_sec) * 1e9 + (end.tv_nsec - start.tv_nsec);
    printf("%.1f\n", ns / n);
    return 0;
}
