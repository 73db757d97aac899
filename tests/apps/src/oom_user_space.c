/* Maps memory until resource_limits.user_space_size runs out, then fails:
   `cella run` must say which limit it was. */
#include <stdio.h>
#include <sys/mman.h>

int main(void) {
    for (int i = 0; i < 1000; ++i) {
        if (mmap(NULL, 64 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED) {
            perror("mmap");
            return 1;
        }
    }
    return 0;
}
