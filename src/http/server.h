/* server.h: the HTTP server (libmicrohttpd, internal epoll thread pool). */
#ifndef RP_SERVER_H
#define RP_SERVER_H

typedef struct rp_server_opts {
  const char *db_path;  /* each worker thread opens its own connection */
  const char *listen;   /* "127.0.0.1:8080", "[::1]:8080", ":8080" */
  int threads;          /* worker threads; 0 = number of cores */
  int quiet;            /* no start-up banner */
} rp_server_opts;

/* Serves until SIGTERM or SIGINT, then stops gracefully: no new
 * connections, in-flight requests finish (up to 10 s), every database
 * connection closes cleanly. Returns 0, or an RP_E* code (address in use,
 * database unreadable) with the thread error set. */
int rp_server_run(const rp_server_opts *opts);

#endif
