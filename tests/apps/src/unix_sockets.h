/* What the AF_UNIX socket tests share: a sockaddr_un for a path, with
   Linux's length for it, and a SIGPIPE counter. */
#ifndef CELLA_APP_UNIX_SOCKETS_H
#define CELLA_APP_UNIX_SOCKETS_H
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

static int sigpipes;
static void on_sigpipe(int signo) {
    (void)signo;
    ++sigpipes;
}

static inline socklen_t path_address(struct sockaddr_un* address, const char* path) {
    memset(address, 0, sizeof *address);
    address->sun_family = AF_UNIX;
    strcpy(address->sun_path, path);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1);
}

#endif
