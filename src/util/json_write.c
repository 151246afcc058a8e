/* json_write.c: the JSON writer (json_write.h). */
#include "util/json_write.h"

#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

/* The compact JSON of a value, written straight into an rp_sb: the bytes
 * json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) gives (jansson 2.14:
 * members in insertion order, "\b \f \n \r \t" and \u00XX escapes),
 * except reals, which are the shortest decimal that reads back as the same
 * double (rp_json_real_format) where jansson writes "%.17g"; at a fraction
 * of the cost: no callback per token, no intermediate buffers. A value
 * json_dumps would refuse (a string that is not UTF-8, an infinite real)
 * makes it return false. */

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

/* The shortest decimal that reads back as the same double (42.3, not
 * jansson's 42.299999999999997), in jansson's real style: ".0" added to an
 * integral value, the exponent without '+' and leading zeros ("1e21"). A
 * double's shortest form has at most 17 significant digits, and when it has
 * k <= 15 the 15-digit rounding of a normal double is that form padded with
 * zeros (which %g drops), so trying 15, 16 and 17 digits is enough. */
size_t rp_json_real_format(char out[static RP_JSON_REAL_MAX], double v) {
  if (isinf(v) || isnan(v)) return 0;
  char buf[40];
  int n = 0;
  /* a subnormal has fewer digits of precision: there, try them all */
  for (int prec = fabs(v) < DBL_MIN && v != 0 ? 1 : 15; prec <= 17; prec++) {
    n = snprintf(buf, sizeof buf - 3, "%.*g", prec, v);
    if (n < 0 || (size_t)n >= sizeof buf - 3) return 0;
    if (prec == 17 || strtod(buf, NULL) == v) break;
  }
  size_t len = (size_t)n;
  if (!memchr(buf, '.', len) && !memchr(buf, 'e', len)) {
    buf[len++] = '.';
    buf[len++] = '0';
    buf[len] = '\0';
  }
  char *start = memchr(buf, 'e', len);
  if (start) {
    start++;
    if (*start == '+') {
      memmove(start, start + 1, len - (size_t)(start + 1 - buf) + 1);
      len--;
    } else if (*start == '-') {
      start++;
    }
    char *end = start;
    while (*end == '0' && end[1])
      end++;
    if (end != start) {
      memmove(start, end, len - (size_t)(end - buf) + 1);
      len -= (size_t)(end - start);
    }
  }
  if (len >= RP_JSON_REAL_MAX) return 0;
  memcpy(out, buf, len + 1);
  return len;
}

static bool put_real(jw *w, double v) {
  char buf[RP_JSON_REAL_MAX];
  size_t len = rp_json_real_format(buf, v);
  if (!len) return false;
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

/* The compact JSON text of v as rp_resp_json writes it (shortest reals),
 * NUL-terminated, or NULL when v cannot be encoded (a string that is not
 * UTF-8, an infinite real). The caller frees it with free(). */
char *rp_json_dumps(const json_t *v, size_t *len) {
  jw w = {0};
  if (!put_json(&w, v, 0)) {
    free(w.p);
    return NULL;
  }
  jw_putc(&w, '\0');
  if (len) *len = w.len - 1;
  return w.p;
}
