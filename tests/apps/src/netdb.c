/* The network databases of the default image: services, protocols and
   hosts through getservbyname, getprotobyname, gethostbyname and
   getaddrinfo, read from /etc as nsswitch.conf says. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "check.h"

int main(void) {
    struct servent* http = getservbyname("http", "tcp");
    CHECK(http != NULL && ntohs((uint16_t)http->s_port) == 80);
    struct servent* port = getservbyport(htons(443), "tcp");
    CHECK(port != NULL && strcmp(port->s_name, "https") == 0);
    struct protoent* tcp = getprotobyname("tcp");
    CHECK(tcp != NULL && tcp->p_proto == 6);

    struct hostent* local = gethostbyname("localhost");
    CHECK(local != NULL && local->h_addrtype == AF_INET);
    CHECK(((struct in_addr*)local->h_addr_list[0])->s_addr == htonl(INADDR_LOOPBACK));

    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    struct addrinfo* found = NULL;
    CHECK(getaddrinfo("localhost", "http", &hints, &found) == 0 && found != NULL);
    struct sockaddr_in* address = (struct sockaddr_in*)found->ai_addr;
    CHECK(address->sin_addr.s_addr == htonl(INADDR_LOOPBACK) && ntohs(address->sin_port) == 80);
    freeaddrinfo(found);

    /* The machine's own name resolves (Debian lists it in /etc/hosts). */
    char name[256];
    CHECK(gethostname(name, sizeof name) == 0);
    struct hostent* self = gethostbyname(name);
    CHECK(self != NULL && self->h_addrtype == AF_INET);
    puts("netdb ok");
    return 0;
}
