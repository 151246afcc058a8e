/* sha1.h: SHA-1 (RFC 3174) and HMAC-SHA1 (RFC 2104).
 *
 * Only for the protocols that still require them, such as Twilio's
 * X-Twilio-Signature (HMAC-SHA1); never for passwords or new designs.
 * libsodium has no SHA-1 and rapport takes no OpenSSL dependency. Pure. */
#ifndef RP_SHA1_H
#define RP_SHA1_H

#include <stddef.h>
#include <stdint.h>

#define RP_SHA1_LEN 20
#define RP_SHA1_BLOCK 64

typedef struct rp_sha1_ctx {
  uint32_t h[5];
  uint64_t bytes; /* message length so far */
  unsigned char buf[RP_SHA1_BLOCK];
  size_t n; /* bytes waiting in buf */
} rp_sha1_ctx;

/* Incremental SHA-1: init, any number of updates, final (writes 20 bytes;
 * the context must be initialised again before reuse). */
void rp_sha1_init(rp_sha1_ctx *c);
void rp_sha1_update(rp_sha1_ctx *c, const void *p, size_t n);
void rp_sha1_final(rp_sha1_ctx *c, unsigned char out[RP_SHA1_LEN]);
/* SHA-1 of p[0..n) in one go. */
void rp_sha1_digest(unsigned char out[RP_SHA1_LEN], const void *p, size_t n);

typedef struct rp_hmac_sha1_ctx {
  rp_sha1_ctx inner, outer;
} rp_hmac_sha1_ctx;

/* Incremental HMAC-SHA1 with key[0..klen) (any length; longer than a block
 * is hashed first, as RFC 2104 says). */
void rp_hmac_sha1_init(rp_hmac_sha1_ctx *c, const void *key, size_t klen);
void rp_hmac_sha1_update(rp_hmac_sha1_ctx *c, const void *p, size_t n);
void rp_hmac_sha1_final(rp_hmac_sha1_ctx *c, unsigned char out[RP_SHA1_LEN]);
/* HMAC-SHA1 of msg[0..n) in one go. */
void rp_hmac_sha1_mac(unsigned char out[RP_SHA1_LEN], const void *key, size_t klen, const void *msg,
                      size_t n);

#endif
