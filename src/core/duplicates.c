/* duplicates.c: see duplicates.h. */
#include "core/duplicates.h"

#include <string.h>

/* The base letters of U+00C0..U+00FF (Latin-1 Supplement letters); 0 for
 * the signs that are not letters (× ÷). */
static const char latin1[64] = "aaaaaaaceeeeiiiidnooooo\0ouuuuyts"
                               "aaaaaaaceeeeiiiidnooooo\0ouuuuyty";

/* The base letter of the two-byte UTF-8 letter at p (Latin-1 Supplement
 * and the common ones of Latin Extended-A), or 0. */
static char base_letter(const unsigned char *p) {
  unsigned cp = ((unsigned)(p[0] & 0x1f) << 6) | (p[1] & 0x3f);
  if (cp >= 0xc0 && cp <= 0xff) return latin1[cp - 0xc0];
  if (cp >= 0x100 && cp <= 0x17f) {
    /* Latin Extended-A comes in upper/lower pairs; the base of each pair */
    static const char ext[] = "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiiijjkkklllllll"
                              "lllnnnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";
    size_t i = cp - 0x100;
    return i < sizeof ext - 1 ? ext[i] : 0;
  }
  return 0;
}

void rp_dup_fold(char *out, size_t cap, const char *name) {
  size_t n = 0, lim = cap ? cap - 1 : 0;
  if (lim > RP_DUP_NAME_MAX) lim = RP_DUP_NAME_MAX;
  const unsigned char *p = (const unsigned char *)(name ? name : "");
  while (*p && n < lim) {
    if (*p < 0x80) {
      unsigned char c = *p++;
      if (c >= 'A' && c <= 'Z') c = (unsigned char)(c - 'A' + 'a');
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out[n++] = (char)c;
    } else if ((*p & 0xe0) == 0xc0 && (p[1] & 0xc0) == 0x80) {
      unsigned cp = ((unsigned)(p[0] & 0x1f) << 6) | (p[1] & 0x3f);
      if (cp == 0xdf) { /* ß */
        out[n++] = 's';
        if (n < lim) out[n++] = 's';
      } else {
        char b = base_letter(p);
        if (b) out[n++] = b;
      }
      p += 2;
    } else {
      p++; /* other scripts and stray bytes: skipped, never split */
      while ((*p & 0xc0) == 0x80)
        p++;
    }
  }
  if (cap) out[n] = '\0';
}

int rp_dup_distance(const char *a, const char *b, int limit) {
  size_t la = strlen(a), lb = strlen(b);
  if (la > RP_DUP_NAME_MAX) la = RP_DUP_NAME_MAX;
  if (lb > RP_DUP_NAME_MAX) lb = RP_DUP_NAME_MAX;
  if ((int)(la > lb ? la - lb : lb - la) > limit) return limit + 1;
  int prev[RP_DUP_NAME_MAX + 1], cur[RP_DUP_NAME_MAX + 1];
  for (size_t j = 0; j <= lb; j++)
    prev[j] = (int)j;
  for (size_t i = 1; i <= la; i++) {
    cur[0] = (int)i;
    int best = cur[0];
    for (size_t j = 1; j <= lb; j++) {
      int d = prev[j - 1] + (a[i - 1] != b[j - 1]);
      if (prev[j] + 1 < d) d = prev[j] + 1;
      if (cur[j - 1] + 1 < d) d = cur[j - 1] + 1;
      cur[j] = d;
      if (d < best) best = d;
    }
    if (best > limit) return limit + 1;
    memcpy(prev, cur, (lb + 1) * sizeof *prev);
  }
  return prev[lb] > limit ? limit + 1 : prev[lb];
}

static bool firsts_close(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (!la && !lb) return true;
  if (!la || !lb) return false;
  if (!strcmp(a, b)) return true;
  size_t shorter = la < lb ? la : lb;
  if (!strncmp(a, b, shorter) && (shorter >= 3 || shorter == 1)) return true; /* Jon, J. */
  return rp_dup_distance(a, b, 1) <= 1 && shorter >= 6; /* Katherine, Katharine */
}

bool rp_dup_names_close(const char *first_a, const char *last_a, const char *first_b,
                        const char *last_b) {
  char fa[RP_DUP_NAME_MAX + 1], la[RP_DUP_NAME_MAX + 1], fb[RP_DUP_NAME_MAX + 1],
      lb[RP_DUP_NAME_MAX + 1];
  rp_dup_fold(fa, sizeof fa, first_a);
  rp_dup_fold(la, sizeof la, last_a);
  rp_dup_fold(fb, sizeof fb, first_b);
  rp_dup_fold(lb, sizeof lb, last_b);
  if (!*la || !*lb) return false; /* a company or an email alone: not by name */
  int allowed = strlen(la) >= 8 && strlen(lb) >= 8 ? 2 : 1;
  if (rp_dup_distance(la, lb, allowed) > allowed) return false;
  return firsts_close(fa, fb);
}

void rp_dup_address_key(char *out, size_t cap, const char *street, const char *postal_code,
                        const char *city) {
  if (!cap) return;
  out[0] = '\0';
  char s[RP_DUP_NAME_MAX + 1], z[RP_DUP_NAME_MAX + 1];
  rp_dup_fold(s, sizeof s, street);
  if (!*s) return;
  rp_dup_fold(z, sizeof z, postal_code && *postal_code ? postal_code : city);
  size_t n = strlen(s);
  if (n >= cap) n = cap - 1;
  memcpy(out, s, n);
  out[n] = '\0';
  if (n + 1 < cap) {
    out[n] = '|';
    size_t m = strlen(z);
    if (n + 1 + m >= cap) m = cap - n - 2;
    memcpy(out + n + 1, z, m);
    out[n + 1 + m] = '\0';
  }
}
