/* server.c: the HTTP server on libmicrohttpd (DESIGN.md "http/"): an epoll
 * thread pool, one database connection per worker thread, the request
 * pipeline of http.h (body, route, auth, transaction, handler, JSON error)
 * and the graceful stop on SIGTERM/SIGINT. */
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <malloc.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http/auth.h"
#include "http/http.h"
#include "http/metrics.h"
#include "http/routes.h"
#include "http/static.h"
#include "jobs/import_worker.h"
#include "jobs/scheduler.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/password.h"
#include "util/text.h"

#define BODY_CAP (1u << 20)           /* API.md: bodies over 1 MiB are refused */
#define IMPORT_BODY_CAP (256u << 20)  /* ... imports: 256 MiB */
#define CAPTURE_BODY_CAP (64u << 10)  /* ... a public web form: 64 KiB (leads.c) */
#define CONNECTION_TIMEOUT 30         /* seconds of idleness */
#define CONNECTION_MEMORY (32u << 10) /* per connection: bounds header sizes */
#define STOP_GRACE_MS 10000
#define DRAIN_MAX (16u << 20) /* an oversized body up to this is read before the 413 */

/* ---- listen address ---- */

static int listen_error(const char *p, size_t len, const char *why) {
  return rp_error_set(RP_EINVALID_VALUE, "listen", "bad listen address '%.*s': %s",
                      (int)(len > 80 ? 80 : len), p, why);
}

int rp_server_parse_listen(struct sockaddr_storage *out, unsigned int *out_len, const char *p,
                           size_t len) {
  char host[64];
  const char *port_p;
  size_t host_len;
  bool bracketed = false;
  memset(out, 0, sizeof *out);
  if (len == 0) return listen_error(p, len, "empty (expected HOST:PORT)");
  if (p[0] == '[') {
    const char *end = memchr(p, ']', len);
    if (!end) return listen_error(p, len, "missing ']'");
    host_len = (size_t)(end - p - 1);
    if ((size_t)(end - p) + 1 >= len || end[1] != ':')
      return listen_error(p, len, "expected [IPv6]:PORT");
    port_p = end + 2;
    bracketed = true;
  } else {
    const char *colon = NULL;
    for (size_t i = 0; i < len; i++)
      if (p[i] == ':') {
        if (colon) return listen_error(p, len, "IPv6 addresses go in brackets: [::1]:8080");
        colon = p + i;
      }
    if (!colon) return listen_error(p, len, "expected HOST:PORT");
    host_len = (size_t)(colon - p);
    port_p = colon + 1;
  }
  if (host_len >= sizeof host) return listen_error(p, len, "host too long");
  memcpy(host, bracketed ? p + 1 : p, host_len);
  host[host_len] = '\0';

  size_t port_len = (size_t)(p + len - port_p);
  if (port_len == 0 || port_len > 5) return listen_error(p, len, "port must be 0 to 65535");
  unsigned long port = 0;
  for (size_t i = 0; i < port_len; i++) {
    if (port_p[i] < '0' || port_p[i] > '9') return listen_error(p, len, "port must be a number");
    port = port * 10 + (unsigned long)(port_p[i] - '0');
  }
  if (port > 65535) return listen_error(p, len, "port must be 0 to 65535");

  if (bracketed || host_len == 0) {
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)out;
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons((uint16_t)port);
    if (host_len == 0)
      a6->sin6_addr = in6addr_any;
    else if (inet_pton(AF_INET6, host, &a6->sin6_addr) != 1)
      return listen_error(p, len, "not an IPv6 address");
    *out_len = sizeof *a6;
    return 0;
  }
  struct sockaddr_in *a4 = (struct sockaddr_in *)out;
  a4->sin_family = AF_INET;
  a4->sin_port = htons((uint16_t)port);
  if (strcmp(host, "localhost") == 0)
    a4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  else if (inet_pton(AF_INET, host, &a4->sin_addr) != 1)
    return listen_error(p, len, "not an IPv4 address (use [..] for IPv6)");
  *out_len = sizeof *a4;
  return 0;
}

/* Opens, binds and listens; falls back from the IPv6 wildcard to the IPv4
 * one on hosts without IPv6. Returns the socket or -1 with the error set. */
static int open_listener(struct sockaddr_storage *sa, socklen_t sa_len, const char *listen_s) {
  int fd = socket(sa->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 && sa->ss_family == AF_INET6 &&
      IN6_IS_ADDR_UNSPECIFIED(&((struct sockaddr_in6 *)sa)->sin6_addr) &&
      (errno == EAFNOSUPPORT || errno == EPROTONOSUPPORT)) {
    uint16_t port = ((struct sockaddr_in6 *)sa)->sin6_port;
    memset(sa, 0, sizeof *sa);
    struct sockaddr_in *a4 = (struct sockaddr_in *)sa;
    a4->sin_family = AF_INET;
    a4->sin_port = port;
    a4->sin_addr.s_addr = htonl(INADDR_ANY);
    sa_len = sizeof *a4;
    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  }
  if (fd < 0) {
    rp_error_set(RP_EINTERNAL, "listen", "cannot open a socket for %s: %s", listen_s,
                 strerror(errno));
    return -1;
  }
  int one = 1, zero = 0;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (sa->ss_family == AF_INET6 && IN6_IS_ADDR_UNSPECIFIED(&((struct sockaddr_in6 *)sa)->sin6_addr))
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
  if (bind(fd, (struct sockaddr *)sa, sa_len) != 0) {
    int e = errno;
    close(fd);
    rp_error_set(RP_EINTERNAL, "listen", "cannot listen on %s: %s", listen_s,
                 e == EADDRINUSE ? "address already in use" : strerror(e));
    return -1;
  }
  if (listen(fd, 511) != 0) {
    int e = errno;
    close(fd);
    rp_error_set(RP_EINTERNAL, "listen", "cannot listen on %s: %s", listen_s, strerror(e));
    return -1;
  }
  return fd;
}

/* "http://127.0.0.1:8080" of the bound socket (the real port when 0 was
 * asked for). */
static void bound_url(int fd, char *out, size_t cap) {
  struct sockaddr_storage sa;
  socklen_t n = sizeof sa;
  char host[INET6_ADDRSTRLEN] = "?";
  unsigned port = 0;
  if (getsockname(fd, (struct sockaddr *)&sa, &n) == 0) {
    if (sa.ss_family == AF_INET6) {
      struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&sa;
      inet_ntop(AF_INET6, &a6->sin6_addr, host, sizeof host);
      port = ntohs(a6->sin6_port);
      snprintf(out, cap, "http://[%s]:%u", host, port);
      return;
    }
    struct sockaddr_in *a4 = (struct sockaddr_in *)&sa;
    inet_ntop(AF_INET, &a4->sin_addr, host, sizeof host);
    port = ntohs(a4->sin_port);
  }
  snprintf(out, cap, "http://%s:%u", host, port);
}

/* ---- jansson's allocations ---- */

/* A request builds and frees a few hundred small jansson values (a contact
 * is an object of 46 members: a hash-table pair, a value and a string copy
 * each; a page of them thousands). glibc's per-thread cache keeps only 7
 * chunks of a size, so most of them went through its slower paths and its
 * consolidation. The server gives jansson per-thread free lists instead: a
 * freed block waits on its thread's list for the next value of its size
 * class. The blocks are ordinary malloc chunks (their class is read back
 * with malloc_usable_size), so a string jansson returns (json_dumps) may
 * still be released with free(), and a block from before the switch is
 * fine to recycle. A thread keeps at most JA_KEEP_BYTES in its lists,
 * which are drained when it ends. */

#define JA_CLASSES 10
#define JA_KEEP_BYTES (8u << 20) /* kept per thread: a page of 500 contacts */
static const size_t ja_size[JA_CLASSES] = {16, 32, 48, 64, 96, 128, 192, 256, 384, 512};

typedef struct ja_cache {
  void *head[JA_CLASSES]; /* a free block's first word links to the next */
  size_t bytes;           /* held in the lists */
} ja_cache;

static _Thread_local ja_cache *ja_tls;
static pthread_key_t ja_key;
static pthread_once_t ja_once = PTHREAD_ONCE_INIT;

static void ja_drain(void *p) {
  ja_cache *c = p;
  if (!c) return;
  for (int k = 0; k < JA_CLASSES; k++)
    while (c->head[k]) {
      void *b = c->head[k];
      memcpy(&c->head[k], b, sizeof(void *));
      free(b);
    }
  if (ja_tls == c) ja_tls = NULL;
  free(c);
}

static ja_cache *ja_cache_get(void) {
  if (ja_tls) return ja_tls;
  ja_tls = calloc(1, sizeof *ja_tls);
  if (ja_tls) pthread_setspecific(ja_key, ja_tls);
  return ja_tls;
}

static void *ja_malloc(size_t n) {
  int k = 0;
  while (k < JA_CLASSES && ja_size[k] < n)
    k++;
  if (k == JA_CLASSES) return malloc(n);
  ja_cache *c = ja_cache_get();
  if (c && c->head[k]) {
    void *b = c->head[k];
    memcpy(&c->head[k], b, sizeof(void *));
    c->bytes -= ja_size[k];
    return b;
  }
  return malloc(ja_size[k]);
}

static void ja_free(void *p) {
  if (!p) return;
  size_t u = malloc_usable_size(p);
  int k = JA_CLASSES - 1;
  while (k >= 0 && ja_size[k] > u)
    k--;
  ja_cache *c = k >= 0 && u <= 2 * ja_size[JA_CLASSES - 1] ? ja_cache_get() : NULL;
  if (!c || c->bytes + ja_size[k] > JA_KEEP_BYTES) {
    free(p);
    return;
  }
  memcpy(p, &c->head[k], sizeof(void *));
  c->head[k] = p;
  c->bytes += ja_size[k];
}

static void ja_setup(void) {
  if (pthread_key_create(&ja_key, ja_drain) == 0) json_set_alloc_funcs(ja_malloc, ja_free);
}

/* ---- per-thread store connections ---- */

typedef struct server {
  const char *db_path;
  pthread_mutex_t mu;
  rp_store **stores; /* every connection opened, closed at stop */
  size_t n_stores, cap_stores;
} server;

static _Thread_local rp_store *tls_store;
static _Thread_local const server *tls_store_owner;

/* This worker thread's connection, opened on first use; NULL with the
 * error set when the database cannot be opened. */
static rp_store *thread_store(server *srv) {
  if (tls_store && tls_store_owner == srv) return tls_store;
  rp_store *s = NULL;
  if (rp_store_open(&s, srv->db_path) != 0) {
    rp_log_error("cannot open the database: %s", rp_error_last()->message);
    return NULL;
  }
  pthread_mutex_lock(&srv->mu);
  if (srv->n_stores == srv->cap_stores) {
    srv->cap_stores = srv->cap_stores ? srv->cap_stores * 2 : 8;
    srv->stores = rp_xrealloc(srv->stores, srv->cap_stores * sizeof *srv->stores);
  }
  srv->stores[srv->n_stores++] = s;
  pthread_mutex_unlock(&srv->mu);
  tls_store = s;
  tls_store_owner = srv;
  return s;
}

/* Closes every connection; only once the worker threads are gone. */
static void close_stores(server *srv) {
  for (size_t i = 0; i < srv->n_stores; i++)
    rp_store_close(srv->stores[i]);
  free(srv->stores);
  srv->stores = NULL;
  srv->n_stores = srv->cap_stores = 0;
}

/* ---- one request ---- */

typedef struct req_ctx {
  rp_req r;
  rp_sb body;
  size_t cap;
  bool too_large;
  uint64_t t0;
} req_ctx;

static void ctx_free(req_ctx *x) {
  if (!x) return;
  rp_arena_free(&x->r.arena);
  rp_sb_free(&x->r.out);
  rp_sb_free(&x->body);
  free(x);
}

static bool is_read_method(const char *m) {
  return strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0;
}

static bool is_json_content(const char *ct) {
  if (!ct) return false;
  while (*ct == ' ')
    ct++;
  return strncasecmp(ct, "application/json", 16) == 0 &&
         (ct[16] == '\0' || ct[16] == ';' || ct[16] == ' ');
}

/* Turns an RP_E* code and this thread's error into the API.md error. */
static void error_response(rp_req *r, int code) {
  const rp_error *e = rp_error_last();
  int status = rp_error_http_status(code);
  const char *msg = e->code == code && e->message[0] ? e->message : rp_error_code_name(code);
  if (status >= 500) {
    rp_log_error("%s %s: %s", r->method, r->path, e->message[0] ? e->message : "internal");
    msg = "internal error";
  }
  json_t *inner = json_pack("{s:s, s:s}", "code", rp_error_code_name(code), "message", msg);
  if (!inner)
    inner = json_pack("{s:s, s:s}", "code", rp_error_code_name(code), "message",
                      rp_error_code_name(code));
  if (e->code == code && e->field[0] && status < 500) {
    json_t *f = json_string(e->field);
    if (f) json_object_set_new(inner, "field", f);
  }
  r->content_type = NULL;
  rp_resp_json(r, status, json_pack("{s:o}", "error", inner));
}

/* Route, auth, body check, transaction, handler: fills r's response. */
static void dispatch(server *srv, req_ctx *x) {
  rp_req *r = &x->r;
  int rc = 0;
  bool txn = false;
  rp_error_clear();
  r->body = x->body.p ? x->body.p : "";
  r->body_len = x->body.len;

  /* the web UI's files (static.h): any GET/HEAD outside the API's paths */
  if (rp_static_claims(r->method, r->path)) {
    rc = rp_static_serve(r);
    goto cleanup;
  }

  bool path_known = false;
  const rp_route *rt = rp_routes_match(r, r->method, r->path, &path_known);
  if (!rt) {
    rc = path_known ? rp_error_set(RP_EMETHOD, NULL, "%s is not allowed on this path", r->method)
                    : rp_error_set(RP_ENOTFOUND, NULL, "no such path");
    goto cleanup;
  }

  r->store = thread_store(srv);
  if (!r->store && !(rt->flags & RP_ROUTE_NO_TXN)) {
    rc = rp_error_set(RP_EINTERNAL, NULL, "the database cannot be opened");
    goto cleanup;
  }
  /* A read opens its transaction first, so that the token and user lookups
   * share the one snapshot with the handler: each SQLite read transaction
   * costs file-lock system calls, and a read request then pays them once,
   * not three times. A write still authenticates before BEGIN IMMEDIATE,
   * so that a request without credentials never waits for the write lock. */
  bool read = is_read_method(r->method);
  bool want_txn = !(rt->flags & RP_ROUTE_NO_TXN);
  if (want_txn && read) {
    if ((rc = rp_store_begin(r->store, false)) != 0) goto cleanup;
    txn = true;
  }
  if (!(rt->flags & RP_ROUTE_PUBLIC)) {
    if ((rc = rp_auth_resolve(r)) != 0) goto cleanup;
    if ((rt->flags & RP_ROUTE_ADMIN) && (rc = rp_req_require_admin(r)) != 0) goto cleanup;
  }
  static const char *const no_query[] = {NULL};
  if ((rc = rp_req_check_query(r, rt->query ? rt->query : no_query)) != 0) goto cleanup;
  if (r->body_len && is_json_content(rp_req_header(r, "Content-Type")) &&
      !rp_utf8_valid(r->body, r->body_len)) {
    rc = rp_error_set(RP_EINVALID_JSON, NULL, "the body is not valid UTF-8");
    goto cleanup;
  }

  if (want_txn && !read) {
    if ((rc = rp_store_begin(r->store, true)) != 0) goto cleanup;
    txn = true;
  }

  rc = rt->handler(r);

  if (txn) {
    txn = false;
    if (rc == 0 || r->commit_on_error) {
      rp_error saved = *rp_error_last();
      if (rp_store_commit(r->store) != 0) {
        rp_error failed = *rp_error_last(); /* rp_error_set overwrites it */
        rp_store_rollback(r->store);
        rc = rp_error_set(RP_EINTERNAL, NULL, "commit failed: %s", failed.message);
      } else if (rc != 0) { /* keep the handler's error */
        rp_error_set(saved.code, saved.field, "%s", saved.message);
      } else {
        /* a write may have made a workflow step or a message due at once */
        rp_scheduler_poke_all();
        rp_import_worker_poke_all();
      }
    } else {
      rp_store_rollback(r->store);
    }
  }

cleanup:
  if (txn) rp_store_rollback(r->store);
  if (rc != 0) error_response(r, rc);
}

static enum MHD_Result queue(req_ctx *x) {
  rp_req *r = &x->r;
  int status = r->status ? r->status : (r->out.len ? 200 : 204);
  struct MHD_Response *resp;
  size_t len = r->out.len;
  if (len) {
    char *buf = rp_sb_take(&r->out);
    resp = MHD_create_response_from_buffer(len, buf, MHD_RESPMEM_MUST_FREE);
    if (!resp) free(buf);
  } else {
    resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
  }
  if (!resp) return MHD_NO;
  if (len || r->content_type)
    MHD_add_response_header(resp, "Content-Type",
                            r->content_type ? r->content_type : "application/json; charset=utf-8");
  if (strncmp(r->path, "/api/", 5) == 0) MHD_add_response_header(resp, "Cache-Control", "no-store");
  MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
  for (int i = 0; i < r->n_resp_headers; i++)
    if (r->resp_headers[i][0] && r->resp_headers[i][1])
      MHD_add_response_header(resp, r->resp_headers[i][0], r->resp_headers[i][1]);
  enum MHD_Result ret = MHD_queue_response(r->conn, (unsigned)status, resp);
  MHD_destroy_response(resp);

  uint64_t us = rp_metrics_now_us() - x->t0;
  rp_metrics_observe(r->method, status, us);
  rp_log_debug("%s %s %d %.1fms", r->method, r->path, status, (double)us / 1000.0);
  return ret;
}

/* Answers with an error before dispatch (413 while reading). */
static enum MHD_Result queue_error(req_ctx *x, int code) {
  error_response(&x->r, code);
  return queue(x);
}

static size_t body_cap(const char *path) {
  if (strncmp(path, "/capture/", 9) == 0) return CAPTURE_BODY_CAP;
  return strncmp(path, "/api/v1/imports", 15) == 0 ? IMPORT_BODY_CAP : BODY_CAP;
}

/* True when the Content-Length header announces more than cap bytes. */
static bool announced_too_large(struct MHD_Connection *c, size_t cap) {
  const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
  if (!cl) return false;
  unsigned long long v = 0;
  for (const char *p = cl; *p; p++) {
    if (*p < '0' || *p > '9') return false; /* MHD refuses it itself */
    if (v > cap) return true;
    v = v * 10 + (unsigned)(*p - '0');
  }
  return v > cap;
}

static const char *client_ip(rp_req *r) {
  const union MHD_ConnectionInfo *ci =
      MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  if (!ci || !ci->client_addr) return "";
  char buf[INET6_ADDRSTRLEN] = "";
  const struct sockaddr *sa = ci->client_addr;
  if (sa->sa_family == AF_INET)
    inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf, sizeof buf);
  else if (sa->sa_family == AF_INET6)
    inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, buf, sizeof buf);
  return rp_arena_strdup(&r->arena, buf);
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *c, const char *url,
                                 const char *method, const char *version, const char *upload_data,
                                 size_t *upload_data_size, void **con_cls) {
  (void)version;
  server *srv = cls;
  req_ctx *x = *con_cls;
  if (!x) {
    x = rp_xcalloc(1, sizeof *x);
    *con_cls = x;
    rp_metrics_inflight_inc();
    x->t0 = rp_metrics_now_us();
    rp_req *r = &x->r;
    r->conn = c;
    r->method = rp_arena_strdup(&r->arena, method);
    r->path = rp_arena_strdup(&r->arena, url);
    r->now = rp_clock_now();
    r->remote_ip = client_ip(r);
    x->cap = body_cap(url);
    /* A body announced over the cap is read and thrown away, then refused:
     * answering at once and closing would reset the connection under a
     * client still sending, which then never sees the 413. Only a body too
     * big to be worth reading is refused before it arrives. */
    if (announced_too_large(c, DRAIN_MAX > x->cap ? DRAIN_MAX : x->cap)) {
      rp_error_set(RP_ETOOLARGE, NULL, "the body is larger than %zu bytes", x->cap);
      return queue_error(x, RP_ETOOLARGE);
    }
    if (announced_too_large(c, x->cap)) x->too_large = true;
    return MHD_YES;
  }
  if (*upload_data_size) {
    if (!x->too_large) {
      if (x->body.len + *upload_data_size > x->cap) {
        x->too_large = true;
        rp_sb_free(&x->body);
        x->body = (rp_sb){0};
      } else {
        rp_sb_append(&x->body, upload_data, *upload_data_size);
      }
    }
    *upload_data_size = 0;
    return MHD_YES;
  }
  if (x->r.status) return MHD_YES; /* already answered (early 413) */
  if (x->too_large) {
    rp_error_set(RP_ETOOLARGE, NULL, "the body is larger than %zu bytes", x->cap);
    return queue_error(x, RP_ETOOLARGE);
  }
  dispatch(srv, x);
  return queue(x);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe) {
  (void)cls;
  (void)c;
  (void)toe;
  req_ctx *x = *con_cls;
  if (!x) return;
  *con_cls = NULL;
  ctx_free(x);
  rp_metrics_inflight_dec();
}

static atomic_bool mhd_starting;

static void on_mhd_log(void *cls, const char *fmt, va_list ap) {
  (void)cls;
  char line[512];
  vsnprintf(line, sizeof line, fmt, ap);
  size_t n = strlen(line);
  while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
    line[--n] = '\0';
  rp_log(atomic_load(&mhd_starting) ? RP_LOG_ERROR : RP_LOG_DEBUG, "http: %s", line);
}

/* Applies pending migrations at start (API.md: migrations run at start). */
static int migrate(const char *db_path) {
  rp_store *s = NULL;
  int rc = rp_store_open(&s, db_path);
  if (rc != 0) goto cleanup;
  int applied = 0;
  if ((rc = rp_store_migrate(s, &applied)) != 0) goto cleanup;
  if (applied) rp_log_info("applied %d migration(s)", applied);
cleanup:
  rp_store_close(s);
  return rc;
}

/* Serves until SIGTERM/SIGINT, then stops gracefully (server.h). */
int rp_server_run(const rp_server_opts *opts) {
  int rc = 0, lfd = -1;
  struct MHD_Daemon *d = NULL;
  sigset_t sigs, old;
  bool masked = false;
  server srv = {.db_path = opts->db_path};
  pthread_mutex_init(&srv.mu, NULL);

  pthread_once(&ja_once, ja_setup);
  rp_crypto_init();
  rp_metrics_start();
  const char *listen_s = opts->listen && *opts->listen ? opts->listen : "127.0.0.1:8080";
  struct sockaddr_storage sa;
  unsigned sa_len = 0;
  if ((rc = rp_server_parse_listen(&sa, &sa_len, listen_s, strlen(listen_s))) != 0) goto cleanup;
  if (!opts->db_path || !*opts->db_path) {
    rc = rp_error_set(RP_EINVALID_VALUE, "db", "no database path");
    goto cleanup;
  }
  if ((rc = migrate(opts->db_path)) != 0) goto cleanup;

  /* Block the stop signals before MHD's threads start, so they inherit
   * the mask and only sigwait below receives them. */
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGTERM);
  sigaddset(&sigs, SIGINT);
  pthread_sigmask(SIG_BLOCK, &sigs, &old);
  masked = true;
  signal(SIGPIPE, SIG_IGN);

  lfd = open_listener(&sa, (socklen_t)sa_len, listen_s);
  if (lfd < 0) {
    rc = RP_EINTERNAL;
    goto cleanup;
  }

  long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
  unsigned threads = opts->threads > 0 ? (unsigned)opts->threads : (ncpu > 0 ? (unsigned)ncpu : 1);
  unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG;
  if (sa.ss_family == AF_INET6) flags |= MHD_USE_IPv6;
  atomic_store(&mhd_starting, true);
  d = MHD_start_daemon(flags, 0, NULL, NULL, on_access, &srv, MHD_OPTION_EXTERNAL_LOGGER,
                       on_mhd_log, NULL, MHD_OPTION_LISTEN_SOCKET, (MHD_socket)lfd,
                       MHD_OPTION_THREAD_POOL_SIZE, threads > 1 ? threads : 0u,
                       MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONNECTION_TIMEOUT,
                       MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY,
                       MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_END);
  atomic_store(&mhd_starting, false);
  if (!d) {
    lfd = -1; /* MHD may have closed it: better leak than close twice */
    rc = rp_error_set(RP_EINTERNAL, NULL, "the HTTP server could not start on %s", listen_s);
    goto cleanup;
  }

  char url[96];
  bound_url(lfd, url, sizeof url);
  if (!opts->quiet) {
    printf("rapport listening on %s\n", url);
    fflush(stdout);
  }
  rp_log_info("listening on %s with %u thread(s)", url, threads);

  int sig = 0;
  while (sigwait(&sigs, &sig) != 0) {
  }
  rp_log_info("stopping (%s)", sig == SIGINT ? "SIGINT" : "SIGTERM");

  MHD_socket q = MHD_quiesce_daemon(d);
  for (long waited = 0; rp_metrics_inflight() > 0 && waited < STOP_GRACE_MS; waited += 10)
    rp_sleep_ms(10);
  if (rp_metrics_inflight() > 0)
    rp_log_warn("%ld request(s) still running after 10 s; stopping anyway", rp_metrics_inflight());
  MHD_stop_daemon(d);
  d = NULL;
  if (q != MHD_INVALID_SOCKET)
    lfd = q; /* quiesced: MHD left the socket to us */
  else
    lfd = -1; /* MHD closed it */
  close_stores(&srv);
  rp_log_info("stopped");

cleanup:
  if (d) MHD_stop_daemon(d);
  if (lfd >= 0) close(lfd);
  close_stores(&srv);
  if (masked) pthread_sigmask(SIG_SETMASK, &old, NULL);
  pthread_mutex_destroy(&srv.mu);
  if (ja_tls) { /* this thread's blocks (the workers' went with them) */
    pthread_setspecific(ja_key, NULL);
    ja_drain(ja_tls);
  }
  return rc;
}
