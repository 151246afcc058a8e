#include "util/sha1.h"

#include <string.h>

static uint32_t rol(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }

static void block(uint32_t h[5], const unsigned char *p) {
  uint32_t w[80];
  for (int t = 0; t < 16; t++)
    w[t] = (uint32_t)p[4 * t] << 24 | (uint32_t)p[4 * t + 1] << 16 | (uint32_t)p[4 * t + 2] << 8 |
           p[4 * t + 3];
  for (int t = 16; t < 80; t++)
    w[t] = rol(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);
  uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
  for (int t = 0; t < 80; t++) {
    uint32_t f, k;
    if (t < 20) {
      f = (b & c) | (~b & d);
      k = 0x5a827999;
    } else if (t < 40) {
      f = b ^ c ^ d;
      k = 0x6ed9eba1;
    } else if (t < 60) {
      f = (b & c) | (b & d) | (c & d);
      k = 0x8f1bbcdc;
    } else {
      f = b ^ c ^ d;
      k = 0xca62c1d6;
    }
    uint32_t tmp = rol(a, 5) + f + e + k + w[t];
    e = d;
    d = c;
    c = rol(b, 30);
    b = a;
    a = tmp;
  }
  h[0] += a;
  h[1] += b;
  h[2] += c;
  h[3] += d;
  h[4] += e;
}

void rp_sha1_init(rp_sha1_ctx *c) {
  static const uint32_t iv[5] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0};
  memcpy(c->h, iv, sizeof iv);
  c->bytes = 0;
  c->n = 0;
}

void rp_sha1_update(rp_sha1_ctx *c, const void *data, size_t n) {
  const unsigned char *p = data;
  c->bytes += n;
  if (c->n > 0) {
    size_t take = RP_SHA1_BLOCK - c->n < n ? RP_SHA1_BLOCK - c->n : n;
    memcpy(c->buf + c->n, p, take);
    c->n += take;
    p += take;
    n -= take;
    if (c->n < RP_SHA1_BLOCK) return;
    block(c->h, c->buf);
    c->n = 0;
  }
  for (; n >= RP_SHA1_BLOCK; p += RP_SHA1_BLOCK, n -= RP_SHA1_BLOCK)
    block(c->h, p);
  if (n > 0) memcpy(c->buf, p, n);
  c->n = n;
}

void rp_sha1_final(rp_sha1_ctx *c, unsigned char out[RP_SHA1_LEN]) {
  uint64_t bits = c->bytes * 8;
  c->buf[c->n++] = 0x80;
  if (c->n > RP_SHA1_BLOCK - 8) {
    memset(c->buf + c->n, 0, RP_SHA1_BLOCK - c->n);
    block(c->h, c->buf);
    c->n = 0;
  }
  memset(c->buf + c->n, 0, RP_SHA1_BLOCK - 8 - c->n);
  for (int i = 0; i < 8; i++)
    c->buf[RP_SHA1_BLOCK - 1 - i] = (unsigned char)(bits >> (8 * i));
  block(c->h, c->buf);
  for (int i = 0; i < 5; i++) {
    out[4 * i] = (unsigned char)(c->h[i] >> 24);
    out[4 * i + 1] = (unsigned char)(c->h[i] >> 16);
    out[4 * i + 2] = (unsigned char)(c->h[i] >> 8);
    out[4 * i + 3] = (unsigned char)c->h[i];
  }
  memset(c, 0, sizeof *c);
}

void rp_sha1_digest(unsigned char out[RP_SHA1_LEN], const void *p, size_t n) {
  rp_sha1_ctx c;
  rp_sha1_init(&c);
  rp_sha1_update(&c, p, n);
  rp_sha1_final(&c, out);
}

void rp_hmac_sha1_init(rp_hmac_sha1_ctx *c, const void *key, size_t klen) {
  unsigned char k[RP_SHA1_BLOCK] = {0}, pad[RP_SHA1_BLOCK];
  if (klen > RP_SHA1_BLOCK)
    rp_sha1_digest(k, key, klen);
  else if (klen > 0)
    memcpy(k, key, klen);
  for (int i = 0; i < RP_SHA1_BLOCK; i++)
    pad[i] = k[i] ^ 0x36;
  rp_sha1_init(&c->inner);
  rp_sha1_update(&c->inner, pad, sizeof pad);
  for (int i = 0; i < RP_SHA1_BLOCK; i++)
    pad[i] = k[i] ^ 0x5c;
  rp_sha1_init(&c->outer);
  rp_sha1_update(&c->outer, pad, sizeof pad);
  memset(k, 0, sizeof k);
  memset(pad, 0, sizeof pad);
}

void rp_hmac_sha1_update(rp_hmac_sha1_ctx *c, const void *p, size_t n) {
  rp_sha1_update(&c->inner, p, n);
}

void rp_hmac_sha1_final(rp_hmac_sha1_ctx *c, unsigned char out[RP_SHA1_LEN]) {
  unsigned char ih[RP_SHA1_LEN];
  rp_sha1_final(&c->inner, ih);
  rp_sha1_update(&c->outer, ih, sizeof ih);
  rp_sha1_final(&c->outer, out);
  memset(ih, 0, sizeof ih);
}

void rp_hmac_sha1_mac(unsigned char out[RP_SHA1_LEN], const void *key, size_t klen, const void *msg,
                      size_t n) {
  rp_hmac_sha1_ctx c;
  rp_hmac_sha1_init(&c, key, klen);
  rp_hmac_sha1_update(&c, msg, n);
  rp_hmac_sha1_final(&c, out);
}
