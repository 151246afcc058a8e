/* json_field.c: see json_field.h. */
#include "util/json_field.h"

#include <stdio.h>
#include <string.h>

#include "util/error.h"
#include "util/uuid.h"

#define PATH_LEN 160

static bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

size_t rp_utf8_chars(const char *p, size_t len) {
  size_t n = 0;
  for (size_t i = 0; i < len; i++)
    if (((unsigned char)p[i] & 0xc0) != 0x80) n++;
  return n;
}

int rp_jf_keys(const json_t *obj, const char *prefix, const char *const *keys, size_t n,
               bool (*readonly)(const char *key)) {
  const char *k;
  const json_t *x;
  json_object_foreach((json_t *)obj, k, x) {
    size_t i = 0;
    while (i < n && strcmp(keys[i], k) != 0)
      i++;
    if (i < n) continue;
    char path[PATH_LEN + 64];
    snprintf(path, sizeof path, "%.*s%s%.60s", PATH_LEN, prefix, prefix[0] ? "." : "", k);
    if (!prefix[0] && readonly && readonly(k))
      return rp_error_set(RP_EINVALID_VALUE, path, "is read-only");
    return rp_error_set(RP_EUNKNOWN_FIELD, path, "unknown field");
  }
  return 0;
}

int rp_jf_line(const char **out, const json_t *v, const char *field, size_t max_chars,
               rp_arena *ar) {
  *out = NULL;
  if (!v || json_is_null(v)) return 0;
  if (!json_is_string(v)) return rp_error_set(RP_EINVALID_VALUE, field, "must be a string or null");
  const char *p = json_string_value(v);
  size_t len = json_string_length(v);
  while (len && is_space(p[0]))
    p++, len--;
  while (len && is_space(p[len - 1]))
    len--;
  if (!len) return 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)p[i];
    if (c < 0x20 || c == 0x7f)
      return rp_error_set(RP_EINVALID_VALUE, field, "must not contain control characters");
  }
  if (rp_utf8_chars(p, len) > max_chars)
    return rp_error_set(RP_EINVALID_VALUE, field, "is too long (at most %zu characters)",
                        max_chars);
  *out = rp_arena_strndup(ar, p, len);
  return 0;
}

int rp_jf_id(const char **out, const json_t *v, const char *field, const char *what,
             rp_arena *ar) {
  const char *s;
  int rc = rp_jf_line(&s, v, field, 64, ar);
  *out = NULL;
  if (rc || !s) return rc;
  if (!rp_uuid_valid(s, strlen(s))) return rp_error_set(RP_EINVALID_VALUE, field, "must be %s", what);
  char *id = rp_arena_strdup(ar, s);
  for (char *c = id; *c; c++)
    if (*c >= 'A' && *c <= 'Z') *c = (char)(*c - 'A' + 'a');
  *out = id;
  return 0;
}
