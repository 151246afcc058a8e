/* text.h: small text helpers: UTF-8 validation, base64url, hex. */
#ifndef RP_TEXT_H
#define RP_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* True when p[0..len) is well-formed UTF-8 (no overlongs, no surrogates,
 * nothing above U+10FFFF) and holds no NUL byte. */
bool rp_utf8_valid(const char *p, size_t len);

/* The UTF-8 of code point cp (at most U+10FFFF) into out; returns its
 * length, 1 to 4. */
size_t rp_utf8_put(char out[static 4], uint32_t cp);

/* The code point of byte b in windows-1252 (ISO-8859-1 text is read the
 * same way: what is labelled latin1 is cp1252 in practice). */
uint32_t rp_cp1252_char(unsigned char b);

/* base64url without padding. out needs rp_b64url_len(n) + 1 bytes. */
size_t rp_b64url_len(size_t n);
void rp_b64url_encode(char *out, const unsigned char *in, size_t n);
/* Decodes into out (capacity cap); returns the length or -1 when invalid. */
long rp_b64url_decode(unsigned char *out, size_t cap, const char *in, size_t n);

/* Lower-case hex of n bytes; out needs 2n + 1 bytes. */
void rp_hex_encode(char *out, const unsigned char *in, size_t n);

#endif
