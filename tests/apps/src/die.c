/* Dying of a signal: `cella run` exits 128+N and says which signal.
   usage: die segv | abort | fpe | kill-self */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char** argv) {
    const char* how = argc > 1 ? argv[1] : "segv";
    if (strcmp(how, "segv") == 0) {
        volatile int* bad = (int*)16;
        *bad = 1;
    } else if (strcmp(how, "abort") == 0) {
        abort();
    } else if (strcmp(how, "fpe") == 0) {
        volatile int zero = 0;
        return 10 / zero;
    } else if (strcmp(how, "kill-self") == 0) {
        kill(getpid(), SIGTERM);
    }
    return 0;
}
