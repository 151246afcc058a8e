/* http.h: what a handler sees of a request and how it answers.
 *
 * The server (server.c) reads the whole body, resolves auth, opens the
 * request's transaction (BEGIN IMMEDIATE for anything but GET/HEAD), calls
 * the route's handler, then commits when the handler returned 0 or rolls
 * back when it returned an RP_E* code (so a rejected request changes
 * nothing) and turns that code and the thread error into the JSON error of
 * API.md. Handlers never open transactions themselves. */
#ifndef RP_HTTP_H
#define RP_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/model.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/clock.h"
#include "util/json_write.h"
#include "util/strbuf.h"

struct MHD_Connection;

#define RP_MAX_PARAMS 4
#define RP_MAX_RESP_HEADERS 8

typedef struct rp_auth {
  bool ok;         /* a valid session cookie or bearer token */
  bool via_cookie; /* writes then need X-CSRF-Token */
  char account_id[RP_ID_LEN];
  char user_id[RP_ID_LEN];
  char token_id[RP_ID_LEN]; /* the session or API token used */
  rp_role role;
} rp_auth;

typedef struct rp_req {
  struct MHD_Connection *conn;
  const char *method; /* "GET", "POST", ... */
  const char *path;   /* "/api/v1/contacts/0193..." (no query) */
  const char *body;   /* NUL-terminated copy; "" when none */
  size_t body_len;
  const char *params[RP_MAX_PARAMS]; /* path captures in order (":id") */
  size_t n_params;
  rp_arena arena;  /* freed when the request ends */
  rp_store *store; /* this worker thread's connection */
  rp_time now;     /* rp_clock_now() at arrival */
  rp_auth auth;
  const char *remote_ip; /* textual client address */

  /* response, filled by the handler through the rp_resp_* helpers */
  int status;
  rp_sb out;
  const char *content_type;
  const char *resp_headers[RP_MAX_RESP_HEADERS][2];
  int n_resp_headers;
  /* set by a handler whose side effects must stay although it fails
   * (the login failure counter): the server commits even on error */
  bool commit_on_error;
  /* Set by the server for a request on a thread of its own
   * (RP_ROUTE_OWN_THREAD): rp_resp_write calls it once out holds
   * flush_after bytes, to send what is there (server.c "streaming"). */
  int (*flush)(struct rp_req *r);
  size_t flush_after;
} rp_req;

typedef int (*rp_handler)(rp_req *r);

/* ---- request helpers ---- */

/* A query-string argument (decoded), or NULL. */
const char *rp_req_query(rp_req *r, const char *name);
/* A request header (case-insensitive), or NULL. */
const char *rp_req_header(rp_req *r, const char *name);
/* Refuses (RP_EUNKNOWN_FIELD, field = the name) any query argument not in
 * the NULL-terminated list `allowed`, and any argument given twice. */
int rp_req_check_query(rp_req *r, const char *const *allowed);
/* Parses the body as a JSON object: RP_EMEDIATYPE unless Content-Type is
 * application/json (parameters such as charset=utf-8 allowed),
 * RP_EINVALID_JSON (with line and column) when it does not parse or is not
 * an object. The caller owns *out (json_decref). */
int rp_req_json_object(rp_req *r, json_t **out);
/* Parses ?limit= (default 50, 1..500) into *out; RP_EINVALID_VALUE otherwise. */
int rp_req_limit(rp_req *r, int *out);
/* Parses a boolean query argument ("true"/"false"); absent gives dflt. */
int rp_req_bool(rp_req *r, const char *name, bool dflt, bool *out);

/* ---- response helpers ---- */

/* Sets status and the body to the JSON dump of v (compact); steals v. */
void rp_resp_json(rp_req *r, int status, json_t *v);
/* Sets status with an empty body (204). */
void rp_resp_empty(rp_req *r, int status);
/* Adds a response header; name and value must outlive the request (use the
 * arena). */
void rp_resp_header(rp_req *r, const char *name, const char *value);
/* Appends to the body (an rp_sink_fn: ctx is the request), for a download
 * of any size: set the status, content type and headers first. On a
 * route of RP_ROUTE_OWN_THREAD, once the body passes the server's buffer
 * (RAPPORT_STREAM_BUFFER, 32 MiB) the response starts with what was set
 * so far and the body goes out as it is written (chunked), a pipe's worth
 * held at a time; headers set after that are not sent, and a failure
 * after it cuts the response short (the client sees a broken transfer,
 * never a short file that looks whole). RP_EINTERNAL when the client has
 * gone. */
int rp_resp_write(void *r, const char *p, size_t len);

/* ---- access checks used by handlers ---- */

/* RP_EFORBIDDEN unless the caller is an owner or admin. */
int rp_req_require_admin(rp_req *r);

#endif
