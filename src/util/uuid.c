#include "util/uuid.h"

#include <sodium.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

/* Random bytes come from libsodium in 4 KiB batches per thread: one system
 * call per id was a tenth of a bulk load's time. */
static void random_bytes(unsigned char *out, size_t n) {
  static _Thread_local unsigned char pool[4096];
  static _Thread_local size_t left = 0;
  if (left < n) {
    randombytes_buf(pool, sizeof pool);
    left = sizeof pool;
  }
  memcpy(out, pool + sizeof pool - left, n);
  sodium_memzero(pool + sizeof pool - left, n);
  left -= n;
}

void rp_uuid_v7(char out[static RP_ID_LEN]) {
  static const char hex[] = "0123456789abcdef";
  unsigned char b[16];
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  uint64_t ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
  for (int i = 0; i < 6; i++) b[i] = (unsigned char)(ms >> (40 - 8 * i));
  random_bytes(b + 6, 10);
  b[6] = (unsigned char)(0x70 | (b[6] & 0x0f));
  b[8] = (unsigned char)(0x80 | (b[8] & 0x3f));
  int o = 0;
  for (int i = 0; i < 16; i++) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out[o++] = '-';
    out[o++] = hex[b[i] >> 4];
    out[o++] = hex[b[i] & 15];
  }
  out[o] = '\0';
}

bool rp_uuid_valid(const char *p, size_t len) {
  if (len != 36) return false;
  for (size_t i = 0; i < 36; i++) {
    char c = p[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}
