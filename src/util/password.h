/* password.h: argon2id password hashes (libsodium crypto_pwhash_str, the
 * interactive limits) and constant-time verification. */
#ifndef RP_PASSWORD_H
#define RP_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

#define RP_PASSWORD_HASH_MAX 128 /* crypto_pwhash_STRBYTES */
#define RP_PASSWORD_MIN 8

/* Hashes password into out. 0, or RP_EINVALID_VALUE (too short: fewer than
 * RP_PASSWORD_MIN bytes; too long: over 1024) with the reason set. */
int rp_password_hash(char out[static RP_PASSWORD_HASH_MAX], const char *password);
/* True when password matches hash. */
bool rp_password_verify(const char *hash, const char *password);

/* Calls sodium_init() once; aborts when libsodium cannot start. */
void rp_crypto_init(void);

#endif
