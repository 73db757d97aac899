/* Waits for SIGINT sent to `cella run` by the host, in a handler. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t interrupted = 0;
static void on_int(int signal) { interrupted = signal; }

int main(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_int;
    sigaction(SIGINT, &sa, NULL);
    printf("ready\n");
    fflush(stdout);
    for (int i = 0; i < 500 && !interrupted; ++i) usleep(10000);
    printf(interrupted == SIGINT ? "got SIGINT\n" : "no signal\n");
    return interrupted == SIGINT ? 0 : 1;
}
