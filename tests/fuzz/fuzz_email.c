/* fuzz_email.c: libFuzzer driver for the email syntax check (core/email.h).
 * Beyond memory errors and UB it checks the contract: an accepted address
 * fits in 254 bytes, has exactly one "@", checks again to itself, and its
 * key is its lower-cased form; a refusal leaves out empty with a message.
 * fuzz-sources: src/core/email.c src/util/error.c src/util/text.c */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/email.h"
#include "util/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *p = (const char *)data;
  char out[255], again[255], key[255];

  rp_error_clear();
  int rc = rp_email_check(out, sizeof out, p, size);
  if (rc != 0) {
    if (rc != RP_EINVALID_VALUE || out[0] != '\0' || rp_error_last()->message[0] == '\0') abort();
    return 0;
  }
  size_t n = strlen(out);
  if (n == 0 || n > 254) abort();
  const char *at = strchr(out, '@');
  if (!at || strchr(at + 1, '@')) abort();
  if (rp_email_check(again, sizeof again, out, n) != 0 || strcmp(again, out) != 0) abort();
  rp_email_key(key, sizeof key, out);
  if (strlen(key) != n) abort();
  for (size_t i = 0; i < n; i++)
    if (key[i] >= 'A' && key[i] <= 'Z') abort();
  return 0;
}
