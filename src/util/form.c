/* form.c: see form.h. */
#include "util/form.h"

#include <string.h>

#include "util/error.h"

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Decodes p[0..len) ('+' and %XX) into a new arena string; *out_len its
 * length. *bad_at gets the offset (in p) of a malformed escape, and the
 * result is NULL then. */
static char *decode(rp_arena *ar, const char *p, size_t len, size_t *out_len, size_t *bad_at) {
  char *o = rp_arena_alloc(ar, len + 1);
  size_t k = 0;
  for (size_t i = 0; i < len; i++) {
    char c = p[i];
    if (c == '+') {
      o[k++] = ' ';
    } else if (c == '%') {
      /* two hex digits must follow */
      int hi = len - i >= 3 ? hexval(p[i + 1]) : -1;
      int lo = len - i >= 3 ? hexval(p[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        *bad_at = i;
        return NULL;
      }
      o[k++] = (char)(hi * 16 + lo);
      i += 2;
    } else {
      o[k++] = c;
    }
  }
  o[k] = '\0';
  *out_len = k;
  return o;
}

/* Parses the form body (form.h). */
int rp_form_parse(rp_form_field **out, size_t *n, const char *p, size_t len, rp_arena *ar) {
  *out = NULL;
  *n = 0;
  if (len > RP_FORM_MAX_BYTES)
    return rp_error_set(RP_ETOOLARGE, NULL, "the form is larger than %u bytes", RP_FORM_MAX_BYTES);
  size_t cap = 0, i = 0;
  rp_form_field *items = NULL;
  while (i < len) {
    const char *piece = p + i;
    const char *amp = memchr(piece, '&', len - i);
    size_t plen = amp ? (size_t)(amp - piece) : len - i;
    i += plen + (amp ? 1 : 0);
    if (plen == 0) continue;
    if (*n >= RP_FORM_MAX_FIELDS)
      return rp_error_set(RP_EINVALID_VALUE, NULL, "the form has more than %d fields",
                          RP_FORM_MAX_FIELDS);
    const char *eq = memchr(piece, '=', plen);
    size_t nlen = eq ? (size_t)(eq - piece) : plen;
    rp_form_field f;
    size_t bad = 0;
    char *name = decode(ar, piece, nlen, &f.name_len, &bad);
    if (!name)
      return rp_error_set(RP_EINVALID_VALUE, NULL,
                          "malformed %%-escape in a field name at byte %zu of the form",
                          (size_t)(piece - p) + bad);
    if (f.name_len == 0)
      return rp_error_set(RP_EINVALID_VALUE, NULL, "a field without a name at byte %zu of the form",
                          (size_t)(piece - p));
    if (f.name_len > RP_FORM_NAME_MAX)
      return rp_error_set(RP_EINVALID_VALUE, NULL, "a field name longer than %d bytes",
                          RP_FORM_NAME_MAX);
    f.name = name;
    const char *vp = eq ? eq + 1 : piece + plen;
    size_t vlen = eq ? plen - nlen - 1 : 0;
    char *value = decode(ar, vp, vlen, &f.value_len, &bad);
    if (!value) {
      /* the name is the field at fault when it is printable text */
      int printable = 1;
      for (size_t k = 0; k < f.name_len; k++)
        if ((unsigned char)name[k] < 0x20 || name[k] == 0x7f) printable = 0;
      return rp_error_set(RP_EINVALID_VALUE, printable ? name : NULL,
                          "malformed %%-escape at byte %zu of the form (a %% must be followed "
                          "by two hex digits)",
                          (size_t)(vp - p) + bad);
    }
    f.value = value;
    *RP_ARENA_PUSH(ar, items, n, &cap, 16) = f;
  }
  *out = items;
  return 0;
}

/* The first field of that name, or NULL. */
const rp_form_field *rp_form_get(const rp_form_field *fields, size_t n, const char *name) {
  size_t len = strlen(name);
  for (size_t i = 0; i < n; i++)
    if (fields[i].name_len == len && memcmp(fields[i].name, name, len) == 0) return &fields[i];
  return NULL;
}
