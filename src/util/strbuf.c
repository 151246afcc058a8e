#include "util/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

static void grow(rp_sb *sb, size_t extra) {
  size_t need = sb->len + extra + 1;
  if (need <= sb->cap) return;
  size_t cap = sb->cap ? sb->cap : 64;
  while (cap < need) cap *= 2;
  sb->p = rp_xrealloc(sb->p, cap);
  sb->cap = cap;
}

void rp_sb_append(rp_sb *sb, const char *s, size_t n) {
  grow(sb, n);
  if (n) memcpy(sb->p + sb->len, s, n);
  sb->len += n;
  sb->p[sb->len] = '\0';
}

void rp_sb_puts(rp_sb *sb, const char *s) { rp_sb_append(sb, s, strlen(s)); }

void rp_sb_putc(rp_sb *sb, char c) { rp_sb_append(sb, &c, 1); }

void rp_sb_printf(rp_sb *sb, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n <= 0) return;
  grow(sb, (size_t)n);
  va_start(ap, fmt);
  vsnprintf(sb->p + sb->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  sb->len += (size_t)n;
}

void rp_sb_json_str(rp_sb *sb, const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  grow(sb, n + 2);
  rp_sb_putc(sb, '"');
  size_t start = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    rp_sb_append(sb, s + start, i - start);
    start = i + 1;
    switch (c) {
    case '"': rp_sb_append(sb, "\\\"", 2); break;
    case '\\': rp_sb_append(sb, "\\\\", 2); break;
    case '\n': rp_sb_append(sb, "\\n", 2); break;
    case '\r': rp_sb_append(sb, "\\r", 2); break;
    case '\t': rp_sb_append(sb, "\\t", 2); break;
    default: {
      char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
      rp_sb_append(sb, e, 6);
    }
    }
  }
  rp_sb_append(sb, s + start, n - start);
  rp_sb_putc(sb, '"');
}

const char *rp_sb_str(const rp_sb *sb) { return sb->p ? sb->p : ""; }

void rp_sb_reset(rp_sb *sb) {
  sb->len = 0;
  if (sb->p) sb->p[0] = '\0';
}

void rp_sb_free(rp_sb *sb) {
  if (!sb) return;
  free(sb->p);
  sb->p = NULL;
  sb->len = sb->cap = 0;
}

char *rp_sb_take(rp_sb *sb) {
  char *p = sb->p ? sb->p : rp_xstrdup("");
  sb->p = NULL;
  sb->len = sb->cap = 0;
  return p;
}
