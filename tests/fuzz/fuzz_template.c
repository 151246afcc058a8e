/* fuzz_template.c: libFuzzer driver for message templates
 * (core/template.h). The input is the template text. Beyond memory errors
 * and UB it checks the contract: the check and the render agree (a
 * template the check refuses is refused by the render with the same
 * reason; one it accepts renders, or fails only on the output bound); a
 * failed render leaves the output as it was; the built-in variable list
 * never accepts a template the syntax refuses; values are inserted once,
 * never expanded (rendering with values "{{x}}" and with values "" differ
 * by exactly the values' bytes).
 * fuzz-sources: src/core/template.c src/util/strbuf.c src/util/error.c src/util/mem.c */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/template.h"
#include "util/error.h"
#include "util/strbuf.h"

static char big[20000];

/* A value chosen by the name: none, empty, a braced text, or a big one. */
static const char *lookup(const char *name, size_t len, void *ctx) {
  (void)ctx;
  if (strlen(name) != len || len == 0 || len > RP_TEMPLATE_NAME_MAX) abort();
  switch ((unsigned char)name[len - 1] % 4) {
  case 0: return NULL;
  case 1: return "";
  case 2: return "{{x}}";
  default: return big;
  }
}

static const char *braces(const char *name, size_t len, void *ctx) {
  (void)name;
  (void)len;
  (void)ctx;
  return "{{x}}";
}
static const char *hashes(const char *name, size_t len, void *ctx) {
  (void)name;
  (void)len;
  (void)ctx;
  return "#####";
}
static const char *empty(const char *name, size_t len, void *ctx) {
  (void)name;
  (void)len;
  (void)ctx;
  return "";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *p = (const char *)data;
  if (!big[0]) memset(big, 'v', sizeof big - 1);
  char why[256], why_known[256];
  int rc = rp_template_check(p, size, NULL, NULL, why, sizeof why);
  int rc_known =
      rp_template_check(p, size, rp_template_var_known, NULL, why_known, sizeof why_known);
  if (rc != 0 && rc != RP_EINVALID_VALUE) abort();
  if (rc != 0 && rc_known == 0) abort();
  if (rc_known != 0 && why_known[0] == '\0') abort();

  rp_sb out = {0};
  rp_sb_puts(&out, "pre");
  rp_error_clear();
  int r = rp_template_render(&out, p, size, lookup, NULL);
  if (rc != 0) {
    if (r != RP_EINVALID_VALUE || strcmp(rp_error_last()->message, why) != 0) abort();
  } else if (r != 0 && r != RP_ETOOLARGE) {
    abort();
  }
  if (r != 0 && (out.len != 3 || strcmp(rp_sb_str(&out), "pre") != 0)) abort();
  if (r == 0 && out.len > 3 + RP_TEMPLATE_MAX_OUTPUT) abort();

  if (rc == 0) {
    rp_sb a = {0}, h = {0}, b = {0}, c = {0};
    /* "{{x}}" is written where "#####" is, and nowhere else */
    if (rp_template_render(&a, p, size, braces, NULL) != 0) abort();
    if (rp_template_render(&h, p, size, hashes, NULL) != 0) abort();
    if (a.len != h.len) abort();
    for (size_t i = 0; i < a.len; i++)
      if (a.p[i] != h.p[i] && h.p[i] != '#') abort();
    /* with "" (or NULL) every variable shows its fallback, no longer than
     * its tag */
    if (rp_template_render(&b, p, size, empty, NULL) != 0 || b.len > size) abort();
    if (rp_template_render(&c, p, size, NULL, NULL) != 0 || c.len != b.len) abort();
    if (b.len && memcmp(b.p, c.p, b.len) != 0) abort();
    rp_sb_free(&a);
    rp_sb_free(&h);
    rp_sb_free(&b);
    rp_sb_free(&c);
  }
  rp_sb_free(&out);
  return 0;
}
