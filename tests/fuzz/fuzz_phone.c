/* fuzz_phone.c: libFuzzer driver for the phone parser (core/phone.h).
 * The first byte picks a default region, the rest is the number as typed.
 * Beyond memory errors and UB it checks the contract: a success is "+" and
 * 8 to 15 digits, normalising it again gives it back, and the refusal sets
 * RP_EINVALID_VALUE with a message.
 * fuzz-sources: src/core/phone.c src/util/error.c */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/phone.h"
#include "util/error.h"

static const char *const regions[] = {"US", "GB", "FR", "DE", "AU", "IT", "MX", "RU", "HU",
                                      "JP", "KR", "BR", "SG", "us", "XX", "",   NULL};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0) return 0;
  const char *region = regions[data[0] % (sizeof regions / sizeof regions[0])];
  const char *p = (const char *)data + 1;
  size_t len = size - 1;
  char out[RP_PHONE_MAX];

  (void)rp_phone_looks_like(p, len);
  rp_error_clear();
  int rc = rp_phone_normalize(out, p, len, region);
  if (rc != 0) {
    if (rc != RP_EINVALID_VALUE || out[0] != '\0' || rp_error_last()->code != rc ||
        rp_error_last()->message[0] == '\0')
      abort();
    return 0;
  }
  size_t n = strlen(out);
  if (out[0] != '+' || n < 9 || n > 16) abort();
  for (size_t i = 1; i < n; i++)
    if (out[i] < '0' || out[i] > '9') abort();
  if (!rp_phone_looks_like(out, n)) abort();
  char again[RP_PHONE_MAX];
  if (rp_phone_normalize(again, out, n, region) != 0 || strcmp(again, out) != 0) abort();
  return 0;
}
