/* static_path.c: maps a request path to a file of the web directory
 * (static_path.h); the first of static.c's two guards against leaving it. */
#include "http/static_path.h"

#include <stdbool.h>
#include <string.h>

#include "util/error.h"

int rp_static_map_path(char *out, size_t cap, const char *p, size_t len) {
  if (cap) out[0] = '\0';
  if (len == 0 || p[0] != '/')
    return rp_error_set(RP_ENOTFOUND, NULL, "the path must start with /");
  if (len > RP_STATIC_MAX_PATH) return rp_error_set(RP_ENOTFOUND, NULL, "the path is too long");
  for (size_t i = 0; i < len; i++) {
    unsigned char ch = (unsigned char)p[i];
    if (ch < 0x20 || ch == 0x7f || ch == '\\')
      return rp_error_set(RP_ENOTFOUND, NULL, "the path has a forbidden character");
  }
  /* check each segment; the last one decides the SPA fallback */
  size_t i = 1;
  bool last_has_dot = false;
  while (i <= len) {
    size_t s = i;
    while (i < len && p[i] != '/')
      i++;
    size_t seg = i - s;
    bool final = i >= len;
    if (seg == 0 && !final)
      return rp_error_set(RP_ENOTFOUND, NULL, "the path has an empty segment");
    if (seg > 0 && p[s] == '.')
      return rp_error_set(RP_ENOTFOUND, NULL, "a path segment starts with a dot");
    if (final) last_has_dot = seg > 0 && memchr(p + s, '.', seg) != NULL;
    i++;
  }
  const char *rel = "index.html";
  size_t rel_len = 10;
  if (last_has_dot) {
    rel = p + 1;
    rel_len = len - 1;
  }
  if (rel_len + 1 > cap) return rp_error_set(RP_ENOTFOUND, NULL, "the path is too long");
  memcpy(out, rel, rel_len);
  out[rel_len] = '\0';
  return 0;
}
