/* listen.h: the HTTP server's listening socket (listen.c). The address
 * parser, rp_server_parse_listen, is declared in server.h. */
#ifndef RP_LISTEN_H
#define RP_LISTEN_H

#include <stddef.h>
#include <sys/socket.h>

/* Opens, binds and listens on sa (listen_s names it in errors); falls
 * back from the IPv6 wildcard to the IPv4 one on hosts without IPv6.
 * Returns the socket, or -1 with the error set. */
int rp_listen_open(struct sockaddr_storage *sa, socklen_t sa_len, const char *listen_s);

/* "http://127.0.0.1:8080" of the bound socket fd (the real port when 0
 * was asked for) into out. */
void rp_listen_url(int fd, char *out, size_t cap);

#endif
