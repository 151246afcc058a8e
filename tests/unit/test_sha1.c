/* test_sha1.c: SHA-1 against the RFC 3174 test vectors and HMAC-SHA1 against
 * the RFC 2202 ones (the X-Twilio-Signature check of API.md rests on them). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/sha1.h"
#include "util/text.h"

static void hex_of(char out[2 * RP_SHA1_LEN + 1], const unsigned char d[RP_SHA1_LEN]) {
  rp_hex_encode(out, d, RP_SHA1_LEN);
}

static void test_sha1_rfc3174_vectors(void **state) {
  (void)state;
  static const struct {
    const char *msg;
    size_t repeat;
    const char *want;
  } cases[] = {
      {"abc", 1, "a9993e364706816aba3e25717850c26c9cd0d89d"},
      {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
       "84983e441c3bd26ebaae4aa1f95129e5e54670f1"},
      {"a", 1000000, "34aa973cd4c4daa4f61eeb2bdbad27316534016f"},
      {"0123456701234567012345670123456701234567012345670123456701234567", 10,
       "dea356a2cddd90c7a7ecedc5ebb563934f460452"},
      {"", 1, "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    rp_sha1_ctx c;
    unsigned char d[RP_SHA1_LEN];
    char hex[2 * RP_SHA1_LEN + 1];
    rp_sha1_init(&c);
    for (size_t r = 0; r < cases[i].repeat; r++)
      rp_sha1_update(&c, cases[i].msg, strlen(cases[i].msg));
    rp_sha1_final(&c, d);
    hex_of(hex, d);
    assert_string_equal(hex, cases[i].want);
  }
}

/* Any split of the input into updates gives the one-shot digest, around the
 * 55/56/64-byte padding boundaries especially. */
static void test_sha1_split_updates_match_one_shot(void **state) {
  (void)state;
  unsigned char msg[200];
  for (size_t i = 0; i < sizeof msg; i++)
    msg[i] = (unsigned char)(i * 7 + 3);
  for (size_t len = 0; len <= sizeof msg; len++) {
    unsigned char whole[RP_SHA1_LEN], parts[RP_SHA1_LEN];
    rp_sha1_digest(whole, msg, len);
    rp_sha1_ctx c;
    rp_sha1_init(&c);
    size_t step = 1 + len % 13;
    for (size_t off = 0; off < len; off += step)
      rp_sha1_update(&c, msg + off, len - off < step ? len - off : step);
    rp_sha1_final(&c, parts);
    if (memcmp(whole, parts, RP_SHA1_LEN) != 0) fail_msg("length %zu step %zu differs", len, step);
  }
}

static void test_hmac_sha1_rfc2202_vectors(void **state) {
  (void)state;
  unsigned char k1[20], k3[20], k4[25], k5[20], k6[80], d3[50], d4[50];
  memset(k1, 0x0b, sizeof k1);
  memset(k3, 0xaa, sizeof k3);
  for (int i = 0; i < 25; i++)
    k4[i] = (unsigned char)(i + 1);
  memset(k5, 0x0c, sizeof k5);
  memset(k6, 0xaa, sizeof k6);
  memset(d3, 0xdd, sizeof d3);
  memset(d4, 0xcd, sizeof d4);
  static const char m6[] = "Test Using Larger Than Block-Size Key - Hash Key First";
  static const char m7[] =
      "Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data";
  const struct {
    const void *key;
    size_t klen;
    const void *msg;
    size_t mlen;
    const char *want;
  } cases[] = {
      {k1, 20, "Hi There", 8, "b617318655057264e28bc0b6fb378c8ef146be00"},
      {"Jefe", 4, "what do ya want for nothing?", 28, "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"},
      {k3, 20, d3, 50, "125d7342b9ac11cd91a39af48aa17b4f63f175d3"},
      {k4, 25, d4, 50, "4c9007f4026250c6bc8414f9bf50c86c2d7235da"},
      {k5, 20, "Test With Truncation", 20, "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04"},
      {k6, 80, m6, sizeof m6 - 1, "aa4ae5e15272d00e95705637ce8a3b55ed402112"},
      {k6, 80, m7, sizeof m7 - 1, "e8e99d0f45237d786d6bbaa7965c7808bbff1a91"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    unsigned char d[RP_SHA1_LEN];
    char hex[2 * RP_SHA1_LEN + 1];
    rp_hmac_sha1_mac(d, cases[i].key, cases[i].klen, cases[i].msg, cases[i].mlen);
    hex_of(hex, d);
    if (strcmp(hex, cases[i].want) != 0)
      fail_msg("RFC 2202 case %zu: got %s want %s", i + 1, hex, cases[i].want);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sha1_rfc3174_vectors),
      cmocka_unit_test(test_sha1_split_updates_match_one_shot),
      cmocka_unit_test(test_hmac_sha1_rfc2202_vectors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
