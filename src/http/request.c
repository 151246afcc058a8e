/* request.c: the rp_req_* and rp_resp_* helpers of http.h (API.md
 * "Conventions": JSON bodies, list limits, query arguments, errors). */
#include <ctype.h>
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

/* ---- the JSON writer ---- */

/* The compact JSON of a value, written straight into an rp_sb: the very
 * bytes json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) gives (jansson 2.14:
 * members in insertion order, "\b \f \n \r \t" and \u00XX escapes, reals as
 * "%.17g" with ".0" added and the exponent's '+' and leading zeros
 * dropped), at a fraction of the cost: no callback per token, no
 * intermediate buffers. A value json_dumps would refuse (a string that is
 * not UTF-8, an infinite real) makes it return false. */

/* The output buffer: grown by doubling, handed to r->out at the end. */
typedef struct jw {
  char *p;
  size_t len, cap;
} jw;

static void jw_grow(jw *w, size_t extra) {
  size_t cap = w->cap ? w->cap : 2048;
  while (cap < w->len + extra + 1)
    cap *= 2;
  w->p = rp_xrealloc(w->p, cap);
  w->cap = cap;
}

static inline void jw_put(jw *w, const char *s, size_t n) {
  if (w->len + n + 1 > w->cap) jw_grow(w, n);
  memcpy(w->p + w->len, s, n);
  w->len += n;
}

static inline void jw_putc(jw *w, char c) {
  if (w->len + 2 > w->cap) jw_grow(w, 1);
  w->p[w->len++] = c;
}

/* Length of the well-formed UTF-8 sequence at p (n bytes left), as
 * jansson's utf8_check_full judges it; 0 when invalid. */
static size_t utf8_seq(const unsigned char *p, size_t n) {
  unsigned c = p[0];
  size_t k;
  unsigned cp;
  if (c >= 0xc2 && c <= 0xdf)
    k = 2, cp = c & 0x1f;
  else if (c >= 0xe0 && c <= 0xef)
    k = 3, cp = c & 0x0f;
  else if (c >= 0xf0 && c <= 0xf4)
    k = 4, cp = c & 0x07;
  else
    return 0;
  if (k > n) return 0;
  for (size_t i = 1; i < k; i++) {
    if ((p[i] & 0xc0) != 0x80) return 0;
    cp = cp << 6 | (p[i] & 0x3f);
  }
  if (k == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) return 0;
  if (k == 4 && (cp < 0x10000 || cp > 0x10ffff)) return 0;
  return k;
}

/* The bytes a string cannot copy as they are: control characters, '"',
 * '\\' and those of multi-byte characters (to check). */
static inline bool special(unsigned char c) {
  return c < 0x20 || c == '"' || c == '\\' || c >= 0x80;
}

static bool put_str(jw *w, const char *s, size_t n) {
  static const char hex[] = "0123456789ABCDEF";
  const unsigned char *u = (const unsigned char *)s;
  jw_putc(w, '"');
  size_t start = 0, i = 0;
  for (;;) {
    /* eight plain bytes at a time: no byte below 0x20, none with the high
     * bit, no '"' and no '\\' (the classic "has a zero / a smaller byte"
     * tests, exact when no byte has its high bit set) */
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    while (i + 8 <= n) {
      uint64_t x;
      memcpy(&x, u + i, 8);
      uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');
      if ((x & highs) | ((x - ones * 0x20) & ~x & highs) | ((q - ones) & ~q & highs) |
          ((b - ones) & ~b & highs))
        break;
      i += 8;
    }
    while (i < n && !special(u[i]))
      i++;
    if (i == n) break;
    unsigned char c = u[i];
    if (c >= 0x80) {
      size_t k = utf8_seq(u + i, n - i);
      if (!k) return false;
      i += k;
      continue;
    }
    jw_put(w, s + start, i - start);
    switch (c) {
    case '"': jw_put(w, "\\\"", 2); break;
    case '\\': jw_put(w, "\\\\", 2); break;
    case '\b': jw_put(w, "\\b", 2); break;
    case '\f': jw_put(w, "\\f", 2); break;
    case '\n': jw_put(w, "\\n", 2); break;
    case '\r': jw_put(w, "\\r", 2); break;
    case '\t': jw_put(w, "\\t", 2); break;
    default: {
      char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
      jw_put(w, e, 6);
    }
    }
    start = ++i;
  }
  jw_put(w, s + start, n - start);
  jw_putc(w, '"');
  return true;
}

static void put_int(jw *w, json_int_t v) {
  char buf[24], *e = buf + sizeof buf, *p = e;
  unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
  do {
    *--p = (char)('0' + u % 10);
    u /= 10;
  } while (u);
  if (v < 0) *--p = '-';
  jw_put(w, p, (size_t)(e - p));
}

/* jansson's jsonp_dtostr at its default precision (17). */
static bool put_real(jw *w, double v) {
  if (isinf(v) || isnan(v)) return false;
  char buf[40];
  int n = snprintf(buf, sizeof buf - 3, "%.17g", v);
  if (n < 0 || (size_t)n >= sizeof buf - 3) return false;
  size_t len = (size_t)n;
  if (!memchr(buf, '.', len) && !memchr(buf, 'e', len)) {
    buf[len++] = '.';
    buf[len++] = '0';
    buf[len] = '\0';
  }
  char *start = memchr(buf, 'e', len);
  if (start) {
    start++;
    char *end = start + 1;
    if (*start == '-') start++;
    while (*end == '0')
      end++;
    if (end != start) {
      memmove(start, end, len - (size_t)(end - buf) + 1);
      len -= (size_t)(end - start);
    }
  }
  jw_put(w, buf, len);
  return true;
}

static bool put_json(jw *w, const json_t *v, int depth) {
  if (!v || depth > 2048) return false;
  switch (json_typeof(v)) {
  case JSON_OBJECT: {
    jw_putc(w, '{');
    bool first = true;
    for (void *it = json_object_iter((json_t *)v); it;
         it = json_object_iter_next((json_t *)v, it)) {
      if (!first) jw_putc(w, ',');
      first = false;
      if (!put_str(w, json_object_iter_key(it), json_object_iter_key_len(it))) return false;
      jw_putc(w, ':');
      if (!put_json(w, json_object_iter_value(it), depth + 1)) return false;
    }
    jw_putc(w, '}');
    return true;
  }
  case JSON_ARRAY: {
    jw_putc(w, '[');
    size_t n = json_array_size(v);
    for (size_t i = 0; i < n; i++) {
      if (i) jw_putc(w, ',');
      if (!put_json(w, json_array_get(v, i), depth + 1)) return false;
    }
    jw_putc(w, ']');
    return true;
  }
  case JSON_STRING: return put_str(w, json_string_value(v), json_string_length(v));
  case JSON_INTEGER: put_int(w, json_integer_value(v)); return true;
  case JSON_REAL: return put_real(w, json_real_value(v));
  case JSON_TRUE: jw_put(w, "true", 4); return true;
  case JSON_FALSE: jw_put(w, "false", 5); return true;
  case JSON_NULL: jw_put(w, "null", 4); return true;
  }
  return false;
}

/* Sets status and the compact JSON of v as the body; steals v. */
void rp_resp_json(rp_req *r, int status, json_t *v) {
  r->status = status;
  rp_sb_reset(&r->out);
  if (!v) return;
  jw w = {0};
  if (put_json(&w, v, 0)) {
    jw_putc(&w, '\0'); /* the terminator rp_sb keeps */
    rp_sb_free(&r->out);
    r->out = (rp_sb){.p = w.p, .len = w.len - 1, .cap = w.cap};
  } else {
    /* what json_dumps makes of it (NULL, so no body) */
    free(w.p);
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

/* RP_EFORBIDDEN unless the caller is an owner or admin. */
int rp_req_require_admin(rp_req *r) {
  if (r->auth.ok && (r->auth.role == RP_ROLE_OWNER || r->auth.role == RP_ROLE_ADMIN)) return 0;
  return rp_error_set(RP_EFORBIDDEN, NULL, "only an owner or admin may do this");
}
