/* fuzz_form.c: libFuzzer driver for the form-encoding parser (util/form.h).
 * Beyond memory errors and UB it checks the contract: an accepted body
 * gives at most RP_FORM_MAX_FIELDS fields with non-empty names of at most
 * RP_FORM_NAME_MAX bytes, each no longer than its encoded text; encoding
 * the fields again (every byte but unreserved ones as %XX) and parsing that
 * gives back the same fields; a refusal is RP_ETOOLARGE or
 * RP_EINVALID_VALUE with a message.
 * fuzz-sources: src/util/form.c src/util/arena.c src/util/mem.c src/util/error.c */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/form.h"

static size_t encode(char *out, const char *p, size_t len) {
  static const char hex[] = "0123456789ABCDEF";
  size_t k = 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)p[i];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out[k++] = (char)c;
    } else if (c == ' ') {
      out[k++] = '+';
    } else {
      out[k++] = '%';
      out[k++] = hex[c >> 4];
      out[k++] = hex[c & 15];
    }
  }
  return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  rp_arena ar = {0};
  rp_form_field *f, *g;
  size_t n, m;
  rp_error_clear();
  int rc = rp_form_parse(&f, &n, (const char *)data, size, &ar);
  if (rc != 0) {
    if ((rc != RP_EINVALID_VALUE && rc != RP_ETOOLARGE) || rp_error_last()->code != rc ||
        rp_error_last()->message[0] == '\0')
      abort();
    rp_arena_free(&ar);
    return 0;
  }
  if (n > RP_FORM_MAX_FIELDS || (n && !f)) abort();
  size_t total = 0;
  for (size_t i = 0; i < n; i++) {
    if (f[i].name_len == 0 || f[i].name_len > RP_FORM_NAME_MAX) abort();
    if (f[i].name[f[i].name_len] != '\0' || f[i].value[f[i].value_len] != '\0') abort();
    if (f[i].name_len + f[i].value_len > size) abort();
    total += 3 * (f[i].name_len + f[i].value_len) + 2;
  }
  if (n && rp_form_get(f, n, f[0].name) != &f[0] && strlen(f[0].name) == f[0].name_len) abort();
  /* round trip */
  char *buf = malloc(total + 1);
  if (!buf) abort();
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    if (i) buf[k++] = '&';
    k += encode(buf + k, f[i].name, f[i].name_len);
    buf[k++] = '=';
    k += encode(buf + k, f[i].value, f[i].value_len);
  }
  if (k <= RP_FORM_MAX_BYTES) {
    if (rp_form_parse(&g, &m, buf, k, &ar) != 0 || m != n) abort();
    for (size_t i = 0; i < n; i++)
      if (g[i].name_len != f[i].name_len || g[i].value_len != f[i].value_len ||
          memcmp(g[i].name, f[i].name, f[i].name_len) != 0 ||
          memcmp(g[i].value, f[i].value, f[i].value_len) != 0)
        abort();
  }
  free(buf);
  rp_arena_free(&ar);
  return 0;
}
