#include "util/password.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"

void rp_crypto_init(void) {
  if (sodium_init() < 0) {
    fputs("rapport: libsodium failed to start\n", stderr);
    abort();
  }
}

int rp_password_hash(char out[static RP_PASSWORD_HASH_MAX], const char *password) {
  size_t n = strlen(password);
  if (n < RP_PASSWORD_MIN)
    return rp_error_set(RP_EINVALID_VALUE, "password", "must be at least %d characters",
                        RP_PASSWORD_MIN);
  if (n > 1024) return rp_error_set(RP_EINVALID_VALUE, "password", "must be at most 1024 bytes");
  if (crypto_pwhash_str(out, password, n, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    return rp_error_set(RP_EINTERNAL, NULL, "out of memory hashing a password");
  return 0;
}

bool rp_password_verify(const char *hash, const char *password) {
  if (!hash || !password) return false;
  return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}
