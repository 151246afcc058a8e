/* fuzz_static_path.c: libFuzzer driver for the web UI's path check
 * (http/static_path.h rp_static_map_path), the parser between a request path
 * and a file of the web directory. Beyond memory errors and UB it checks
 * the contract: a success is a NUL-terminated relative path with no "."
 * or ".." segment, no empty segment, no leading "/", no backslash or
 * control character, that fits the buffer; a refusal is RP_ENOTFOUND with
 * a message and an empty output. A second call into a small buffer must
 * fit or refuse, never overflow. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/static_path.h"
#include "util/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char out[RP_STATIC_MAX_PATH + 8];
  const char *p = (const char *)data;
  size_t cap = sizeof out;
  char small[12];
  size_t small_cap = size % sizeof small + 1;
  if (rp_static_map_path(small, small_cap, p, size) == 0 && strnlen(small, small_cap) >= small_cap)
    abort();
  rp_error_clear();
  int rc = rp_static_map_path(out, cap, p, size);
  if (rc != 0) {
    if (rc != RP_ENOTFOUND || out[0] != '\0' || rp_error_last()->code != rc ||
        rp_error_last()->message[0] == '\0')
      abort();
    return 0;
  }
  size_t n = strnlen(out, cap);
  if (n == 0 || n >= cap || out[0] == '/') abort();
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)out[i];
    if (ch < 0x20 || ch == 0x7f || ch == '\\') abort();
    bool seg_start = i == 0 || out[i - 1] == '/';
    if (seg_start && (ch == '.' || ch == '/')) abort(); /* ".", "..", ".x" or "//" */
  }
  if (out[n - 1] == '/') abort();
  /* a success names either the page or the file the path named */
  if (strcmp(out, "index.html") != 0 && (size < 1 || n != size - 1 || memcmp(out, p + 1, n) != 0))
    abort();
  return 0;
}
