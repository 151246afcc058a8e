/* request.c: the rp_req_* and rp_resp_* helpers of http.h (API.md
 * "Conventions": JSON bodies, list limits, query arguments, errors). */
#include <ctype.h>
#include <float.h>
#include <math.h>
#include <microhttpd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"
#include "util/error.h"
#include "util/mem.h"

/* A query-string argument (decoded by MHD), or NULL. A key given without a
 * value ("?archived") reads as "". */
const char *rp_req_query(rp_req *r, const char *name) {
  if (!r->conn) return NULL;
  const char *v = NULL;
  if (MHD_lookup_connection_value_n(r->conn, MHD_GET_ARGUMENT_KIND, name, strlen(name), &v, NULL) !=
      MHD_YES)
    return NULL;
  return v ? v : "";
}

/* A request header (case-insensitive), or NULL. */
const char *rp_req_header(rp_req *r, const char *name) {
  if (!r->conn) return NULL;
  return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

typedef struct query_check {
  const char *const *allowed;
  const char *seen[32];
  size_t n_seen;
  int rc;
} query_check;

static enum MHD_Result check_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *value) {
  (void)kind;
  (void)value;
  query_check *qc = cls;
  bool ok = false;
  for (const char *const *a = qc->allowed; a && *a; a++)
    if (strcmp(*a, key) == 0) ok = true;
  if (!ok) {
    qc->rc = rp_error_set(RP_EUNKNOWN_FIELD, key, "unknown query parameter '%.100s'", key);
    return MHD_NO;
  }
  for (size_t i = 0; i < qc->n_seen; i++)
    if (strcmp(qc->seen[i], key) == 0) {
      qc->rc = rp_error_set(RP_EINVALID_VALUE, key, "query parameter '%.100s' given twice", key);
      return MHD_NO;
    }
  if (qc->n_seen < sizeof qc->seen / sizeof qc->seen[0]) qc->seen[qc->n_seen++] = key;
  return MHD_YES;
}

/* Refuses an argument not in `allowed` (RP_EUNKNOWN_FIELD) and one given
 * twice (RP_EINVALID_VALUE), naming it in the error field. */
int rp_req_check_query(rp_req *r, const char *const *allowed) {
  if (!r->conn) return 0;
  query_check qc = {.allowed = allowed};
  MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, check_arg, &qc);
  return qc.rc;
}

/* True when the Content-Type value names application/json, whatever the
 * case and parameters ("application/json; charset=utf-8"). */
static bool is_json_type(const char *ct) {
  if (!ct) return false;
  while (*ct == ' ' || *ct == '\t')
    ct++;
  static const char want[] = "application/json";
  size_t n = sizeof want - 1;
  if (strncasecmp(ct, want, n) != 0) return false;
  ct += n;
  while (*ct == ' ' || *ct == '\t')
    ct++;
  return *ct == '\0' || *ct == ';';
}

/* Parses the body as one JSON object (duplicate keys refused). The caller
 * owns *out. RP_EMEDIATYPE or RP_EINVALID_JSON with line and column. */
int rp_req_json_object(rp_req *r, json_t **out) {
  *out = NULL;
  if (!is_json_type(rp_req_header(r, "Content-Type")))
    return rp_error_set(RP_EMEDIATYPE, NULL, "Content-Type must be application/json");
  json_error_t jerr;
  json_t *v = json_loadb(r->body ? r->body : "", r->body_len, JSON_REJECT_DUPLICATES, &jerr);
  if (!v)
    return rp_error_set(RP_EINVALID_JSON, NULL, "invalid JSON at line %d column %d: %.200s",
                        jerr.line, jerr.column, jerr.text);
  if (!json_is_object(v)) {
    json_decref(v);
    return rp_error_set(RP_EINVALID_JSON, NULL, "the body must be a JSON object");
  }
  *out = v;
  return 0;
}

/* Parses a strictly decimal integer in [lo, hi]. */
static bool parse_int(const char *s, long lo, long hi, long *out) {
  if (!s || !*s || strlen(s) > 9) return false;
  long v = 0;
  for (const char *p = s; *p; p++) {
    if (!isdigit((unsigned char)*p)) return false;
    v = v * 10 + (*p - '0');
  }
  if (v < lo || v > hi) return false;
  *out = v;
  return true;
}

/* ?limit= : default 50, 1..500, else RP_EINVALID_VALUE field "limit". */
int rp_req_limit(rp_req *r, int *out) {
  const char *s = rp_req_query(r, "limit");
  *out = 50;
  if (!s) return 0;
  long v;
  if (!parse_int(s, 1, 500, &v))
    return rp_error_set(RP_EINVALID_VALUE, "limit", "limit must be an integer from 1 to 500");
  *out = (int)v;
  return 0;
}

/* A boolean query argument: "true" or "false"; absent gives dflt. */
int rp_req_bool(rp_req *r, const char *name, bool dflt, bool *out) {
  const char *s = rp_req_query(r, name);
  *out = dflt;
  if (!s) return 0;
  if (strcmp(s, "true") == 0)
    *out = true;
  else if (strcmp(s, "false") == 0)
    *out = false;
  else
    return rp_error_set(RP_EINVALID_VALUE, name, "%.100s must be true or false", name);
  return 0;
}

/* Sets status and the compact JSON of v as the body; steals v. */
void rp_resp_json(rp_req *r, int status, json_t *v) {
  r->status = status;
  rp_sb_reset(&r->out);
  if (!v) return;
  size_t len;
  char *text = rp_json_dumps(v, &len);
  if (text) {
    rp_sb_free(&r->out);
    r->out = (rp_sb){.p = text, .len = len, .cap = len + 1};
  } else {
    /* what json_dumps makes of it (NULL, so no body) */
    char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    if (s) {
      rp_sb_puts(&r->out, s);
      free(s);
    }
  }
  json_decref(v);
}

/* Sets status with an empty body. */
void rp_resp_empty(rp_req *r, int status) {
  r->status = status;
  rp_sb_reset(&r->out);
}

/* Adds a response header (silently dropped past RP_MAX_RESP_HEADERS, which
 * is a programming error logged by the server). */
void rp_resp_header(rp_req *r, const char *name, const char *value) {
  if (r->n_resp_headers >= RP_MAX_RESP_HEADERS) return;
  r->resp_headers[r->n_resp_headers][0] = name;
  r->resp_headers[r->n_resp_headers][1] = value;
  r->n_resp_headers++;
}

int rp_resp_write(void *ctx, const char *p, size_t len) {
  rp_req *r = ctx;
  rp_sb_append(&r->out, p, len);
  return r->flush && r->out.len >= r->flush_after ? r->flush(r) : 0;
}

/* RP_EFORBIDDEN unless the caller is an owner or admin. */
int rp_req_require_admin(rp_req *r) {
  if (r->auth.ok && (r->auth.role == RP_ROLE_OWNER || r->auth.role == RP_ROLE_ADMIN)) return 0;
  return rp_error_set(RP_EFORBIDDEN, NULL, "only an owner or admin may do this");
}
