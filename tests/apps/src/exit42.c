/* The exit status reaches the host: `cella run` exits 42.
   With --wait it first sleeps up to 5 s (for tests that signal it). */
#include <string.h>
#include <unistd.h>

int main(int argc, char** argv) {
    if (argc > 1 && strcmp(argv[1], "--wait") == 0)
        for (int i = 0; i < 500; ++i) usleep(10000);
    return 42;
}
