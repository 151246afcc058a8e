/* server.h: the HTTP server (libmicrohttpd, internal epoll thread pool). */
#ifndef RP_SERVER_H
#define RP_SERVER_H

#include <stddef.h>

typedef struct rp_server_opts {
  const char *db_path;  /* each worker thread opens its own connection */
  const char *listen;   /* "127.0.0.1:8080", "[::1]:8080", ":8080" */
  int threads;          /* worker threads; 0 = number of cores */
  int quiet;            /* no start-up banner */
} rp_server_opts;

/* Serves until SIGTERM or SIGINT, then stops gracefully: no new
 * connections, in-flight requests finish (up to 10 s; the long ones of
 * RP_ROUTE_OWN_THREAD, a job or an export, whatever they take), every
 * database connection closes cleanly. Returns 0, or an RP_E* code (address in use,
 * database unreadable) with the thread error set. */
int rp_server_run(const rp_server_opts *opts);

struct sockaddr_storage;

/* Parses a listen address p[0..len): "HOST:PORT" with an IPv4 HOST or
 * "localhost", "[IPv6]:PORT", or ":PORT" for all interfaces (the IPv6
 * wildcard, which the server opens dual-stack). PORT is 0..65535 (0 picks a
 * free one). Fills *out and *out_len (a socklen_t value). Returns 0 or
 * RP_EINVALID_VALUE (field "listen") with the reason. Pure. */
int rp_server_parse_listen(struct sockaddr_storage *out, unsigned int *out_len, const char *p,
                           size_t len);

#endif
