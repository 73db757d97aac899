/* COUNT round trips of one byte over TCP on 127.0.0.1 between this process
   and a peer it starts with posix_spawn, which echoes each byte back.
   TCP_NODELAY on both ends. Prints the mean round trip in microseconds. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char** environ;

static int no_delay(int fd) {
    int one = 1;
    return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static int echo(int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons(port)};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr*)&address, sizeof address) != 0 || no_delay(fd) != 0) return 1;
    char byte;
    while (read(fd, &byte, 1) == 1)
        if (write(fd, &byte, 1) != 1) return 1;
    return 0;
}

int main(int argc, char** argv) {
    if (argc == 3 && strcmp(argv[1], "echo") == 0) return echo(atoi(argv[2]));
    if (argc != 2) {
        fprintf(stderr, "usage: tcp_pingpong COUNT\n");
        return 2;
    }
    long count = atol(argv[1]);
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = {.sin_family = AF_INET};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (listener < 0 || bind(listener, (struct sockaddr*)&address, sizeof address) != 0 || listen(listener, 1) != 0 ||
        getsockname(listener, (struct sockaddr*)&address, &length) != 0)
        return 1;
    char port[16];
    snprintf(port, sizeof port, "%d", ntohs(address.sin_port));
    char* child_argv[] = {argv[0], (char*)"echo", port, NULL};
    pid_t pid;
    if (posix_spawn(&pid, "/proc/self/exe", NULL, NULL, child_argv, environ) != 0) return 1;
    int fd = accept(listener, NULL, NULL);
    if (fd < 0 || no_delay(fd) != 0) return 1;
    close(listener);
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (long i = 0; i < count; ++i) {
        char byte = (char)i;
        if (write(fd, &byte, 1) != 1 || read(fd, &byte, 1) != 1 || byte != (char)i) return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    close(fd);
    int status;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return 1;
    double seconds = (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
    printf("%.2f\n", seconds * 1e6 / count);
    return 0;
}
