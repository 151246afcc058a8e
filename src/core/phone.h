/* phone.h: phone numbers to E.164 (API.md: "phones are stored in E.164, the
 * account's default region completes local numbers").
 *
 * Accepts what people type: spaces, dots, dashes, slashes, parentheses,
 * "+CC ..." and "00CC ..." international forms, a national trunk "0" after a
 * country code ("+44 (0)20 ..."), US/NANP numbers with or without the leading
 * 1, and an extension suffix ("x123", "ext. 123") which is dropped. Letters
 * other than the extension marker are refused. Pure: no allocation, no I/O. */
#ifndef RP_PHONE_H
#define RP_PHONE_H

#include <stdbool.h>
#include <stddef.h>

#define RP_PHONE_MAX 17 /* "+" + 15 digits + NUL */

/* Normalises p[0..len) with default region `region` (ISO alpha-2, e.g. "US",
 * "GB", "FR", "DE"; NULL means "US") into out as "+<digits>".
 * Returns 0, or RP_EINVALID_VALUE with the reason in the thread error
 * (field left empty: the caller sets it). */
int rp_phone_normalize(char out[static RP_PHONE_MAX], const char *p, size_t len,
                       const char *region);

/* True when q "reads as a phone number" for search (API.md q): only digits
 * and phone punctuation, with at least 7 digits. */
bool rp_phone_looks_like(const char *q, size_t len);

/* The calling code of a region ("US" -> "1"), or NULL when unknown. */
const char *rp_phone_region_code(const char *region);

#endif
