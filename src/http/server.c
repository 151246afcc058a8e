/* server.c: the HTTP server on libmicrohttpd (DESIGN.md "http/"): an epoll
 * thread pool, one database connection per worker thread, the request
 * pipeline of http.h (body, route, auth, transaction, handler, JSON error)
 * and the graceful stop on SIGTERM/SIGINT. */
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
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
#include "http/json_alloc.h"
#include "http/listen.h"
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

/* ---- per-thread store connections ---- */

typedef struct server {
  const char *db_path;
  pthread_mutex_t mu;
  rp_store **stores; /* every connection opened, closed at stop */
  size_t n_stores, cap_stores;
  pthread_cond_t own_done; /* signalled (under mu) when own_running falls */
  int own_running;         /* requests on a thread of their own, not yet resumed */
  bool stopping;           /* (under mu) no more own threads: the stop waits for them */
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

typedef enum { RUN_HERE, RUN_OWN_THREAD, RUN_STREAMING, RUN_DONE } run_state;

typedef struct req_ctx {
  rp_req r; /* first: a handler's rp_req is its req_ctx */
  rp_sb body;
  size_t cap;
  bool too_large;
  uint64_t t0;
  /* RUN_OWN_THREAD while the handler runs on a thread of its own (the
   * connection suspended), RUN_STREAMING once it sends its body as it
   * writes it, RUN_DONE once it has answered whole */
  _Atomic run_state run;
  server *srv;
  /* what the request is for, found once (resolve) before it is answered */
  bool is_static;         /* the web UI's files (static.h) */
  const rp_route *route;  /* else its route, or NULL: */
  bool path_known;        /* ... 405 when the path has other methods, else 404 */
  /* holders: MHD's request (until on_completed), the own thread, the
   * streamed response (until MHD destroys it); the last one frees */
  atomic_int refs;
  /* streaming ("long requests" below) */
  struct MHD_Response *stream_resp; /* made by the own thread, queued by MHD's */
  int stream_status;
  int pipe_r, pipe_w;         /* the body on its way: own thread -> MHD thread */
  size_t piece;               /* bytes written to the pipe at a time */
  pthread_mutex_t stream_mu;  /* waiting and pipe_r */
  bool waiting;               /* the reader found the pipe empty and suspended */
  atomic_bool stream_failed;  /* the body ends with an error, not a clean end */
  bool client_gone;           /* a write found the read end closed */
} req_ctx;

static req_ctx *ctx_new(void) {
  req_ctx *x = rp_xcalloc(1, sizeof *x);
  atomic_init(&x->refs, 1);
  atomic_init(&x->run, RUN_HERE);
  x->pipe_r = x->pipe_w = -1;
  pthread_mutex_init(&x->stream_mu, NULL);
  return x;
}

static void ctx_free(req_ctx *x) {
  if (!x) return;
  if (x->pipe_r >= 0) close(x->pipe_r);
  if (x->pipe_w >= 0) close(x->pipe_w);
  pthread_mutex_destroy(&x->stream_mu);
  rp_arena_free(&x->r.arena);
  rp_sb_free(&x->r.out);
  rp_sb_free(&x->body);
  free(x);
}

static void ctx_release(req_ctx *x) {
  if (x && atomic_fetch_sub(&x->refs, 1) == 1) ctx_free(x);
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

/* Finds what x is for: a file of the web UI (any GET/HEAD outside the
 * API's paths) or a route (filling x->r.params). */
static void resolve(req_ctx *x) {
  rp_req *r = &x->r;
  x->is_static = rp_static_claims(r->method, r->path);
  if (!x->is_static) x->route = rp_routes_match(r, r->method, r->path, &x->path_known);
}

/* Auth, body check, transaction, handler of the route resolve found:
 * fills r's response. Returns the handler's (or the pipeline's) RP_E*
 * code, 0 on success. */
static int dispatch(server *srv, req_ctx *x) {
  rp_req *r = &x->r;
  int rc = 0;
  bool txn = false;
  rp_error_clear();
  r->body = x->body.p ? x->body.p : "";
  r->body_len = x->body.len;

  if (x->is_static) {
    rc = rp_static_serve(r);
    goto cleanup;
  }

  const rp_route *rt = x->route;
  if (!rt) {
    rc = x->path_known ? rp_error_set(RP_EMETHOD, NULL, "%s is not allowed on this path", r->method)
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
      } else if (!read) {
        /* a write may have made a workflow step or a message due at once
         * (a read cannot: waking the scheduler's and the import worker's
         * threads after every GET cost a third of the server's time) */
        rp_scheduler_poke_all();
        rp_import_worker_poke_all();
      }
    } else {
      rp_store_rollback(r->store);
    }
  }

cleanup:
  if (txn) rp_store_rollback(r->store);
  /* an error in a streamed body cuts it short instead (own_thread_main) */
  if (rc != 0 && atomic_load(&x->run) != RUN_STREAMING) error_response(r, rc);
  return rc;
}

/* The response headers of r (with_body: a body follows). */
static void add_headers(rp_req *r, struct MHD_Response *resp, bool with_body) {
  if (with_body || r->content_type)
    MHD_add_response_header(resp, "Content-Type",
                            r->content_type ? r->content_type : "application/json; charset=utf-8");
  if (strncmp(r->path, "/api/", 5) == 0) MHD_add_response_header(resp, "Cache-Control", "no-store");
  MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
  for (int i = 0; i < r->n_resp_headers; i++)
    if (r->resp_headers[i][0] && r->resp_headers[i][1])
      MHD_add_response_header(resp, r->resp_headers[i][0], r->resp_headers[i][1]);
}

/* Queues resp (and lets it go: MHD keeps its own reference). */
static enum MHD_Result queue_response(req_ctx *x, int status, struct MHD_Response *resp) {
  rp_req *r = &x->r;
  enum MHD_Result ret = MHD_queue_response(r->conn, (unsigned)status, resp);
  MHD_destroy_response(resp);
  uint64_t us = rp_metrics_now_us() - x->t0;
  rp_metrics_observe(r->method, status, us);
  rp_log_debug("%s %s %d %.1fms", r->method, r->path, status, (double)us / 1000.0);
  return ret;
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
  add_headers(r, resp, len > 0);
  return queue_response(x, status, resp);
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

/* ---- long requests ---- */

/* A route flagged RP_ROUTE_OWN_THREAD (a job, an export: seconds at a
 * million contacts) is dispatched on a thread of its own, with a database
 * connection opened for it and closed after, while its MHD connection is
 * suspended: libmicrohttpd's pool keeps a connection on the thread that
 * accepted it, so a handler running there would hold up every other
 * connection of that thread (the web UI's keep-alive requests among them)
 * until it ended. When the handler is done the thread resumes the
 * connection and MHD calls on_access again, which queues the response.
 *
 * Streaming: a handler writing a download through rp_resp_write has its
 * body buffered up to stream_buffer bytes (the whole of a usual export,
 * sent with its X-Total-Count); past that, the own thread makes the
 * response (status and headers as set so far, a body of unknown length:
 * chunked) and resumes the connection, then writes the body into a pipe
 * a piece at a time, blocking while the client is slower. MHD's thread
 * reads the pipe without blocking (stream_read): when it is empty it
 * suspends the connection and sets waiting, and the own thread resumes
 * it after its next write or at the end (stream_mu orders the two, so
 * no wake-up is lost; a connection is only resumed while suspended, i.e.
 * alive). The end of the pipe is the end of the body, cut short (no last
 * chunk) when the handler failed after the start. A client that goes
 * away closes the read end (stream_free), and the thread's next write
 * fails with EPIPE, which stops the handler.
 *
 * The request's req_ctx is shared then: refs counts MHD's request, the
 * own thread and the streamed response, and the last to let go frees it.
 * The server's stop waits for the own threads (own_running) before it
 * stops MHD, which must not see a suspended connection then. */

#define STREAM_BUFFER_DEFAULT ((size_t)32 << 20)
#define OWN_THREADS_MAX 16 /* long requests on threads of their own at once */

/* RAPPORT_STREAM_BUFFER: the bytes of a download held before it is
 * streamed (docs/operations.md); 32 MiB by default. */
static size_t stream_buffer(void) {
  static atomic_size_t cached;
  size_t v = atomic_load(&cached);
  if (v) return v;
  v = STREAM_BUFFER_DEFAULT;
  const char *e = getenv("RAPPORT_STREAM_BUFFER");
  if (e && *e) {
    char *end = NULL;
    unsigned long long n = strtoull(e, &end, 10);
    if (end && !*end && n > 0) v = (size_t)n;
  }
  atomic_store(&cached, v);
  return v;
}


/* MHD's content reader of a streamed body (MHD's thread). */
static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max) {
  (void)pos;
  req_ctx *x = cls;
  pthread_mutex_lock(&x->stream_mu);
  ssize_t n;
  do
    n = read(x->pipe_r, buf, max);
  while (n < 0 && errno == EINTR);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
    x->waiting = true; /* the own thread resumes it after its next write */
    MHD_suspend_connection(x->r.conn);
    n = 0;
  } else if (n == 0) {
    n = atomic_load(&x->stream_failed) ? MHD_CONTENT_READER_END_WITH_ERROR
                                       : MHD_CONTENT_READER_END_OF_STREAM;
  } else if (n < 0) {
    n = MHD_CONTENT_READER_END_WITH_ERROR;
  }
  pthread_mutex_unlock(&x->stream_mu);
  return n;
}

/* The streamed response is gone (sent, or its client went away). */
static void stream_free(void *cls) {
  req_ctx *x = cls;
  pthread_mutex_lock(&x->stream_mu);
  if (x->pipe_r >= 0) close(x->pipe_r); /* a write still to come fails: EPIPE */
  x->pipe_r = -1;
  pthread_mutex_unlock(&x->stream_mu);
  ctx_release(x);
}

/* Resumes the connection if its reader is waiting for the pipe. */
static void stream_wake(req_ctx *x) {
  pthread_mutex_lock(&x->stream_mu);
  if (x->waiting) {
    x->waiting = false;
    MHD_resume_connection(x->r.conn);
  }
  pthread_mutex_unlock(&x->stream_mu);
}

/* Starts the streamed response (own thread): 0, or -1 when it cannot (the
 * body is then held whole, as for a small one). */
static int stream_begin(req_ctx *x) {
  rp_req *r = &x->r;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return -1;
  fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
  fcntl(fds[1], F_SETPIPE_SZ, 1 << 20); /* fewer wake-ups; the default may stay */
  int cap = fcntl(fds[1], F_GETPIPE_SZ);
  struct MHD_Response *resp =
      MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, stream_read, x, stream_free);
  if (!resp) {
    close(fds[0]);
    close(fds[1]);
    return -1;
  }
  x->pipe_r = fds[0];
  x->pipe_w = fds[1];
  /* a piece never exceeds the pipe: a write into an empty pipe then ends
   * without the reader, which may be waiting for this very write */
  x->piece = cap >= 4096 ? (size_t)cap : 4096;
  add_headers(r, resp, true);
  atomic_fetch_add(&x->refs, 1); /* the response's, let go by stream_free */
  x->stream_resp = resp;
  x->stream_status = r->status ? r->status : 200;
  r->flush_after = x->piece;
  atomic_store(&x->run, RUN_STREAMING);
  MHD_resume_connection(r->conn); /* on_access queues stream_resp */
  return 0;
}

/* rp_req.flush of a request on its own thread (rp_resp_write): starts the
 * stream if need be, then writes out into the pipe. */
static int stream_flush(rp_req *r) {
  req_ctx *x = (req_ctx *)r;
  if (atomic_load(&x->run) != RUN_STREAMING && stream_begin(x) != 0) {
    rp_log_warn("%s %s: cannot stream the response (%s); holding it whole", r->method, r->path,
                strerror(errno));
    r->flush = NULL;
    return 0;
  }
  size_t off = 0;
  while (off < r->out.len) {
    size_t want = r->out.len - off < x->piece ? r->out.len - off : x->piece;
    ssize_t n = write(x->pipe_w, r->out.p + off, want);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      x->client_gone = errno == EPIPE;
      return rp_error_set(RP_EINTERNAL, NULL, "cannot send the response: %s",
                          x->client_gone ? "the client has gone" : strerror(errno));
    }
    off += (size_t)n;
    stream_wake(x);
  }
  rp_sb_reset(&r->out);
  return 0;
}

/* One request on its own thread less (wait_own_threads may be waiting). */
static void own_thread_gone(server *srv) {
  pthread_mutex_lock(&srv->mu);
  srv->own_running--;
  pthread_cond_broadcast(&srv->own_done);
  pthread_mutex_unlock(&srv->mu);
}

static void *own_thread_main(void *p) {
  req_ctx *x = p;
  server *srv = x->srv;
  rp_store *s = NULL;
  if (rp_store_open(&s, srv->db_path) == 0) {
    tls_store = s; /* thread_store() answers with it */
    tls_store_owner = srv;
  } else {
    rp_log_error("cannot open the database: %s", rp_error_last()->message);
  }
  x->r.flush = stream_flush;
  x->r.flush_after = stream_buffer();
  int rc = dispatch(srv, x);
  if (atomic_load(&x->run) == RUN_STREAMING) {
    if (rc == 0) rc = stream_flush(&x->r); /* the rest (error_response's JSON is not sent) */
    if (rc != 0) {
      atomic_store(&x->stream_failed, true);
      if (x->client_gone)
        rp_log_info("%s %s: the client went away during the download", x->r.method, x->r.path);
      else
        rp_log_error("%s %s: the response was cut short: %s", x->r.method, x->r.path,
                     rp_error_last()->message);
    }
    close(x->pipe_w); /* the end of the body */
    x->pipe_w = -1;
    stream_wake(x);
  }
  tls_store = NULL;
  tls_store_owner = NULL;
  rp_store_close(s);
  if (atomic_load(&x->run) != RUN_STREAMING) {
    atomic_store(&x->run, RUN_DONE);
    MHD_resume_connection(x->r.conn); /* on_access queues the response */
  }
  ctx_release(x);
  own_thread_gone(srv);
  return NULL;
}

/* Starts x's handler on a thread of its own; false when no thread could be
 * started, OWN_THREADS_MAX run already, or the server is stopping (the
 * caller then runs it here, as every request ran before: a burst of
 * exports cannot make a thread and a database connection each without
 * bound, and MHD is not stopped under a suspended connection). */
static bool run_on_own_thread(server *srv, req_ctx *x) {
  pthread_attr_t attr;
  pthread_t t;
  pthread_mutex_lock(&srv->mu);
  bool full = srv->stopping || srv->own_running >= OWN_THREADS_MAX;
  if (!full) srv->own_running++;
  pthread_mutex_unlock(&srv->mu);
  if (full) return false;
  if (pthread_attr_init(&attr) != 0) {
    own_thread_gone(srv);
    return false;
  }
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  x->srv = srv;
  atomic_store(&x->run, RUN_OWN_THREAD);
  atomic_fetch_add(&x->refs, 1); /* the thread's */
  MHD_suspend_connection(x->r.conn);
  int e = pthread_create(&t, &attr, own_thread_main, x);
  pthread_attr_destroy(&attr);
  if (e == 0) return true;
  rp_log_warn("cannot start a thread for %s %s (%s): answering on the server thread", x->r.method,
              x->r.path, strerror(e));
  MHD_resume_connection(x->r.conn);
  atomic_store(&x->run, RUN_HERE);
  atomic_fetch_sub(&x->refs, 1);
  own_thread_gone(srv);
  return false;
}

/* Waits until no request runs on a thread of its own (the stop); later
 * long requests run on the server's threads. */
static void wait_own_threads(server *srv) {
  pthread_mutex_lock(&srv->mu);
  srv->stopping = true;
  if (srv->own_running > 0)
    rp_log_info("waiting for %d long request(s) (a job, an export) to finish", srv->own_running);
  while (srv->own_running > 0)
    pthread_cond_wait(&srv->own_done, &srv->mu);
  pthread_mutex_unlock(&srv->mu);
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *c, const char *url,
                                 const char *method, const char *version, const char *upload_data,
                                 size_t *upload_data_size, void **con_cls) {
  (void)version;
  server *srv = cls;
  req_ctx *x = *con_cls;
  if (!x) {
    x = ctx_new();
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
  run_state run = atomic_load(&x->run);
  if (run == RUN_DONE) return queue(x); /* resumed by its own thread */
  if (run == RUN_STREAMING) {           /* ... which streams the body */
    struct MHD_Response *resp = x->stream_resp;
    x->stream_resp = NULL;
    return resp ? queue_response(x, x->stream_status, resp) : MHD_YES;
  }
  if (run == RUN_OWN_THREAD) return MHD_YES;
  if (x->r.status) return MHD_YES; /* already answered (early 413) */
  if (x->too_large) {
    rp_error_set(RP_ETOOLARGE, NULL, "the body is larger than %zu bytes", x->cap);
    return queue_error(x, RP_ETOOLARGE);
  }
  resolve(x);
  if (x->route && (x->route->flags & RP_ROUTE_OWN_THREAD) && run_on_own_thread(srv, x))
    return MHD_YES;
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
  if (x->stream_resp) { /* made but never queued: its client went away */
    struct MHD_Response *resp = x->stream_resp;
    x->stream_resp = NULL;
    MHD_destroy_response(resp); /* stream_free: the own thread's writes fail */
  }
  ctx_release(x);
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
  pthread_cond_init(&srv.own_done, NULL);

  rp_json_alloc_setup();
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

  lfd = rp_listen_open(&sa, (socklen_t)sa_len, listen_s);
  if (lfd < 0) {
    rc = RP_EINTERNAL;
    goto cleanup;
  }

  long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
  unsigned threads = opts->threads > 0 ? (unsigned)opts->threads : (ncpu > 0 ? (unsigned)ncpu : 1);
  unsigned flags =
      MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
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
  rp_listen_url(lfd, url, sizeof url);
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
  wait_own_threads(&srv); /* MHD must not be stopped with a suspended connection */
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
  pthread_cond_destroy(&srv.own_done);
  pthread_mutex_destroy(&srv.mu);
  rp_json_alloc_drain_thread(); /* this thread's blocks (the workers' went with them) */
  return rc;
}
